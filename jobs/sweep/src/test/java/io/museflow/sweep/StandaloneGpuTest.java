package io.museflow.sweep;

import io.museflow.prepare.spark.PrepareJob;
import io.museflow.prepare.spark.SparkTestSession;
import io.museflow.prepare.spark.TestPackages;
import io.museflow.config.PrepareConfig;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPU address hand-out on a real local standalone cluster (a Master and a Worker process, an
 * executor JVM they launch), without GPUs: the worker's discovery script (submit/discover-gpus)
 * reports two fake addresses, each task asks for one GPU, and trials running at the same time must
 * have been handed different addresses by Spark's resource scheduling.
 */
class StandaloneGpuTest {
    private static final List<String> FAKE = List.of("7", "9");

    @Test
    void concurrentTrialsGetDistinctGpuAddresses(@TempDir Path tmp) throws Exception {
        Path pkg = TestPackages.generate(tmp.resolve("pkg"), "muse2020", "minutes.min=0.8", "minutes.max=1");
        Path prepared = tmp.resolve("prepared");
        PrepareJob.run(SparkTestSession.get(), PrepareConfig.load(List.of("input=" + pkg, "output=" + prepared,
                "window.size=60", "window.hop=30")));

        Map<String, String> settings = new java.util.LinkedHashMap<>(Map.of("spark.cores.max", "2",
                "spark.executor.resource.gpu.amount", "2", "spark.task.resource.gpu.amount", "1"));
        try (LocalStandaloneCluster cluster = LocalStandaloneCluster.start(tmp, 1, 2, "3g", List.of(
                "-Dspark.worker.resource.gpu.amount=2", "-Dspark.worker.resource.gpu.discoveryScript="
                        + Path.of("../../submit/discover-gpus").toAbsolutePath().normalize()),
                Map.of("MUSEFLOW_GPU_ADDRESSES", String.join(" ", FAKE)))) {
            settings.putAll(cluster.driverSettings(2, "2g"));
            try {
                SparkSession spark = SparkTestSession.get(cluster.masterUrl(), settings);
                SweepGrid grid = SweepGrid.load(List.of("data=" + prepared, "output=" + tmp.resolve("sweep"),
                        "model=[stacked]", "layers=[1]", "hidden=[4, 8]", "seeds=[1, 2]", "max-epochs=3",
                        "batch-size=[8]"));
                SweepJob.Report r = SweepJob.run(spark, grid);
                assertEquals(4, r.trained());
                assertEquals(0, r.failed());
                List<Row> rows = spark.read().parquet(tmp.resolve("sweep/trials").toString()).collectAsList();
                Set<String> executors = new LinkedHashSet<>();
                for (Row row : rows) {
                    assertTrue(FAKE.contains(row.getString(row.fieldIndex("gpu"))), "an address from the discovery script: "
                            + row.getString(row.fieldIndex("gpu")));
                    executors.add(row.getString(row.fieldIndex("executor")));
                }
                assertTrue(!executors.contains("driver"), "trials ran on the cluster's executor: " + executors);
                int overlapping = 0;
                for (int a = 0; a < rows.size(); a++) {
                    for (int b = a + 1; b < rows.size(); b++) {
                        if (overlap(rows.get(a), rows.get(b))) {
                            overlapping++;
                            assertNotEquals(rows.get(a).getString(rows.get(a).fieldIndex("gpu")),
                                    rows.get(b).getString(rows.get(b).fieldIndex("gpu")), "concurrent trials share a GPU");
                        }
                    }
                }
                assertTrue(overlapping > 0, "two slots: some trials ran at the same time");
            } finally {
                SparkTestSession.get(); // back to local mode for the other tests, off the cluster before it stops
            }
        }
    }

    private static boolean overlap(Row a, Row b) {
        long endA = a.getLong(a.fieldIndex("finished_at_ms"));
        long endB = b.getLong(b.fieldIndex("finished_at_ms"));
        long startA = endA - (long) (a.getDouble(a.fieldIndex("seconds")) * 1000);
        long startB = endB - (long) (b.getDouble(b.fieldIndex("seconds")) * 1000);
        return startA < endB && startB < endA;
    }
}
