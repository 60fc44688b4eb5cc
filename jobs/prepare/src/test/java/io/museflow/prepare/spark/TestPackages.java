package io.museflow.prepare.spark;

import io.museflow.synth.spark.GenerateJob;
import io.museflow.config.Settings;
import io.museflow.synth.GeneratorConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Tiny synthetic packages, generated with the real generate job. */
public final class TestPackages {
    private TestPackages() {
    }

    public static Path generate(Path dir, String layout, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("output=" + dir, "layout=" + layout, "seed=21", "videos=6",
                "minutes.min=0.6", "minutes.max=1.0",
                "feature-sets=[{name=egemaps,modality=audio,width=5},{name=vggface,modality=video,width=4},"
                        + "{name=bert,modality=text,width=6},{name=egemaps_lld,modality=native-audio,width=3}]"));
        args.addAll(List.of(extra));
        Settings s = Settings.load(GeneratorConfig.SECTION, args);
        GenerateJob.run(SparkTestSession.get(), GeneratorConfig.from(s), s.render());
        return dir;
    }

    static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }

    static void delete(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Names in a folder that look like a job's temporary or displaced output. */
    public static List<String> leftovers(Path parent) throws IOException {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(parent)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-") || n.contains(".old-")).toList();
        }
    }
}
