package io.museflow.synth.spark;

import io.museflow.prepare.spark.TestPackages;
import io.museflow.data.InputDataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateJobTest {
    @Test
    void sameRunIsANoOpAndAnotherPackageIsOnlyReplacedWhenAsked(@TempDir Path dir) throws Exception {
        Path pkg = dir.resolve("pkg");
        TestPackages.generate(pkg, "muse2020");
        Path labels = pkg.resolve("label_segments/arousal/1.csv");
        String before = Files.exists(labels) ? Files.readString(labels) : Files.readString(pkg.resolve("metadata/partition.csv"));
        long modified = Files.getLastModifiedTime(pkg.resolve("_museflow.json")).toMillis();

        TestPackages.generate(pkg, "muse2020");
        assertEquals(modified, Files.getLastModifiedTime(pkg.resolve("_museflow.json")).toMillis(), "rerun is a no-op");

        String m = assertThrows(InputDataException.class, () -> TestPackages.generate(pkg, "muse2020", "seed=22"))
                .getMessage();
        assertTrue(m.contains("already holds a different generate run") && m.contains("museflow.generate.overwrite"), m);

        TestPackages.generate(pkg, "muse2020", "seed=22", "overwrite=true");
        String after = Files.exists(labels) ? Files.readString(labels) : Files.readString(pkg.resolve("metadata/partition.csv"));
        assertNotEquals(before, after);
        assertEquals(java.util.List.of(), TestPackages.leftovers(dir));
        try (var s = Files.walk(pkg)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".crc")), "no Hadoop checksum files");
        }
    }
}
