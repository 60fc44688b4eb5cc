package io.museflow.prepare.spark;

import io.museflow.config.PrepareConfig;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 2021 layout (500 ms labels, segment_id before value, native set beside the aligned ones). */
class PrepareMuse2021Test {
    @Test
    void preparesA2021PackageWithTheNativeSetDetectedAndOtherWindows(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path pkg = TestPackages.generate(dir.resolve("pkg"), "muse2021", "test-labels=true");
        Path out = dir.resolve("prepared");
        PrepareJob.Result r = PrepareJob.run(spark, PrepareConfig.load(List.of("input=" + pkg, "output=" + out,
                "window.size=60", "window.hop=30", "feature-sets=[egemaps, egemaps_lld]")));
        var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("_museflow.json").toFile());
        assertEquals("muse2021", manifest.path("layout").asText());
        assertEquals(500, manifest.path("label_period_ms").asInt());
        assertEquals("window-mean", manifest.path("feature_sets").get(1).path("alignment").asText());

        List<Row> labels = spark.read().parquet(out.resolve("labels").toString()).orderBy("video", "frame").collectAsList();
        assertEquals(r.frames(), labels.size());
        assertEquals(500, labels.get(1).getLong(labels.get(1).fieldIndex("timestamp")));
        assertTrue(labels.stream().allMatch(l -> l.get(l.fieldIndex("segment_id")) != null));
        assertEquals(0, spark.read().parquet(out.resolve("labels").toString()).where("arousal IS NULL").count(),
                "test labels were generated this time");
        // With 500 ms labels a window holds 50 rows of 10 ms: every frame of the native set is covered.
        assertEquals(0, spark.read().parquet(out.resolve("features/egemaps_lld").toString()).where("NOT valid").count());
        assertEquals(60, manifest.path("window_size").asInt(), "the windows trials cut: 60 frames");
        assertEquals(30, manifest.path("window_hop").asInt());
    }
}
