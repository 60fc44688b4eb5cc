package io.museflow.synth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes a few-video synthetic package into a local folder for tests. */
public final class TinyPackage {
    private TinyPackage() {
    }

    public static GeneratorConfig config(Path dir, String layout, long seed, String... extra) {
        List<String> args = new ArrayList<>(List.of("output=" + dir, "layout=" + layout, "seed=" + seed, "videos=6",
                "minutes.min=0.4", "minutes.max=0.8",
                "feature-sets=[{name=egemaps,modality=audio,width=5},{name=vggface,modality=video,width=4},"
                        + "{name=bert,modality=text,width=6},{name=egemaps_lld,modality=native-audio,width=3}]"));
        args.addAll(List.of(extra));
        return GeneratorConfig.load(args);
    }

    public static SyntheticMuse write(Path dir, String layout, long seed, String... extra) throws IOException {
        SyntheticMuse muse = new SyntheticMuse(config(dir, layout, seed, extra));
        FileSink sink = relative -> {
            Path p = dir.resolve(relative);
            Files.createDirectories(p.getParent());
            return Files.newBufferedWriter(p);
        };
        muse.writePartitionFile(sink);
        for (int i : muse.videoIndices()) {
            muse.writeVideo(i, sink);
        }
        return muse;
    }
}
