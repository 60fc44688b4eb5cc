package io.museflow.store;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {
    /**
     * What attempts that died leave in a folder on the local (checksummed) file system: a temporary
     * sibling with its checksum, and a checksum alone (killed between renaming a file and renaming its
     * .crc). All go; committed files and their checksums stay.
     */
    @Test
    void removeAbandonedTakesTemporariesAndOrphanChecksumsOnly(@TempDir java.nio.file.Path dir) throws Exception {
        Configuration conf = new Configuration();
        Path folder = new Path(dir.toUri());
        assertTrue(AtomicFiles.commitOnce(new Path(folder, "a.parquet"), conf,
                tmp -> tmp.getFileSystem(conf).create(tmp).close()));
        Path dead = AtomicFiles.temporarySibling(new Path(folder, "b.parquet"), "tmp");
        dead.getFileSystem(conf).create(dead).close(); // writes its .crc beside it
        String orphan = ".." + "c.parquet.tmp-0123abcd.crc";
        Files.writeString(dir.resolve(orphan), "x");
        assertEquals(3, AtomicFiles.removeAbandoned(folder, conf));
        try (Stream<java.nio.file.Path> s = Files.list(dir)) {
            assertEquals(List.of(".a.parquet.crc", "a.parquet"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(0, AtomicFiles.removeAbandoned(new Path(folder, "absent"), conf));
    }
}
