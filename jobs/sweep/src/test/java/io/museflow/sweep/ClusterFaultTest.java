package io.museflow.sweep;

import io.museflow.config.PrepareConfig;
import io.museflow.prepare.spark.PrepareJob;
import io.museflow.prepare.spark.SparkTestSession;
import io.museflow.prepare.spark.TestPackages;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What clusters do to a sweep, on a real two-worker standalone cluster (separate Master, Worker and
 * executor JVMs on loopback): the same trials and devel CCCs as in local mode; a worker killed by
 * its process id mid-sweep; a driver killed mid-sweep and the same command run again. The cluster
 * and every driver process are stopped by process id in {@link #stop}, also when a test fails, and
 * every test has a time limit of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultTest {
    private static final List<String> GRID = List.of("model=[stacked]", "layers=[1]", "cell=[gru]",
            "batch-size=[8]", "learning-rate=[0.01]", "hidden=[4, 8]");
    private Path dir;
    private Path prepared;
    private long labelRows;
    private LocalStandaloneCluster cluster;
    private Map<String, String> driverSettings;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        Path pkg = TestPackages.generate(tmp.resolve("pkg"), "muse2020", "minutes.min=0.8", "minutes.max=1");
        prepared = tmp.resolve("prepared");
        SparkSession local = SparkTestSession.get();
        PrepareJob.run(local, PrepareConfig.load(List.of("input=" + pkg, "output=" + prepared, "window.size=60",
                "window.hop=30")));
        labelRows = local.read().parquet(prepared.resolve("labels").toString()).count();
        cluster = LocalStandaloneCluster.start(tmp.resolve("cluster"), 2, 1, "1g", List.of(), Map.of());
        driverSettings = cluster.driverSettings(1, "768m");
    }

    @AfterAll
    void stop() throws InterruptedException {
        SparkTestSession.get(); // the shared session leaves the cluster before the cluster stops
        if (cluster != null) {
            cluster.close();
        }
    }

    private SweepGrid grid(String output, String... more) {
        List<String> a = new ArrayList<>(List.of("data=" + prepared, "output=" + dir.resolve(output)));
        a.addAll(GRID);
        a.addAll(List.of(more));
        return SweepGrid.load(a);
    }

    @Test
    @Order(1)
    @Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aTwoWorkerClusterTrainsTheTrialsOfLocalMode() throws Exception {
        SweepGrid local = grid("local", "seeds=[1, 2, 3]", "max-epochs=3");
        SweepJob.run(SparkTestSession.get(), local);
        SparkSession spark = SparkTestSession.get(cluster.masterUrl(), driverSettings);
        try {
            SweepJob.Report r = SweepJob.run(spark, grid("on-cluster", "seeds=[1, 2, 3]", "max-epochs=3"));
            assertEquals(6, r.trained());
            assertEquals(0, r.failed());
            Map<String, Double> onLocal = develCcc(spark, dir.resolve("local"));
            Map<String, Double> onCluster = develCcc(spark, dir.resolve("on-cluster"));
            assertEquals(onLocal.keySet(), onCluster.keySet(), "the same trial ids");
            onLocal.forEach((id, ccc) -> assertEquals(ccc, onCluster.get(id), 1e-9, "devel CCC of " + id));
            List<String> executors = spark.read().parquet(dir.resolve("on-cluster/trials").toString())
                    .select("executor").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
            assertEquals(2, executors.size(), "both workers' executors trained trials: " + executors);
        } finally {
            SparkTestSession.get();
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aKilledDriverIsRerunAndTrainsOnlyTheUnfinishedTrials() throws Exception {
        Path out = dir.resolve("driver-kill");
        Path conf = dir.resolve("driver-kill.conf");
        List<String> lines = new ArrayList<>(List.of("museflow.sweep {", "  data = \"" + prepared + "\"",
                "  output = \"" + out + "\"", "  seeds = [1, 2, 3, 4]", "  max-epochs = 12"));
        GRID.forEach(g -> lines.add("  " + g));
        lines.add("}");
        Files.write(conf, lines);
        List<String> args = List.of("--grid", conf.toString());

        Process first = cluster.startDriver("driver-1", driverSettings, SweepJob.class.getName(), args);
        awaitRows(out, 2, first, Duration.ofMinutes(3));
        LocalStandaloneCluster.kill(first);
        cluster.awaitNoExecutors(Duration.ofSeconds(60)); // the master has the workers kill the dead app's executors
        Map<String, FileTime> before = rows(out);
        assertTrue(before.size() < 8, "the driver died mid-sweep: " + before.size() + " of 8 rows");

        Process second = cluster.startDriver("driver-2", driverSettings, SweepJob.class.getName(), args);
        assertTrue(second.waitFor(4, TimeUnit.MINUTES), "the rerun finished");
        String log = Files.readString(cluster.log("driver-2"));
        assertEquals(0, second.exitValue(), log);
        Matcher done = Pattern.compile("done: (\\d+) trained \\((\\d+) failed\\), (\\d+) skipped").matcher(log);
        assertTrue(done.find(), log);
        assertEquals(8 - before.size(), Integer.parseInt(done.group(1)), "only the unfinished trials trained");
        assertEquals(before.size(), Integer.parseInt(done.group(3)));
        Map<String, FileTime> after = rows(out);
        assertEquals(8, after.size());
        before.forEach((f, t) -> assertEquals(t, after.get(f), f + " is the first run's row, not rewritten"));
        assertCompleteAndWhole(out, 8);
    }

    @Test
    @Order(3)
    @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aWorkerKilledMidSweepLeavesOneRowPerTrialAndNoHalfWrittenFile() throws Exception {
        Path out = dir.resolve("worker-kill");
        SparkSession spark = SparkTestSession.get(cluster.masterUrl(), driverSettings);
        ExecutorService driver = Executors.newSingleThreadExecutor();
        try (FailedTaskAttempts failedAttempts = new FailedTaskAttempts(spark)) {
            Future<SweepJob.Report> sweep = driver.submit(() -> SweepJob.run(spark, grid("worker-kill",
                    "seeds=[1, 2, 3, 4]", "max-epochs=12")));
            awaitRows(out, 1, null, Duration.ofMinutes(3));
            cluster.killWorker(1);
            SweepJob.Report r = sweep.get(4, TimeUnit.MINUTES);
            assertEquals(8, r.trained());
            assertEquals(0, r.failed());
            assertTrue(failedAttempts.count() >= 1, "a task was lost with the worker");
            assertCompleteAndWhole(out, 8);
        } finally {
            driver.shutdownNow();
            SparkTestSession.get();
        }
    }

    /** One row, one predictions file and one epochs file per trial, every one readable, no temporary left. */
    private void assertCompleteAndWhole(Path out, int trials) throws Exception {
        SparkSession spark = SparkTestSession.get();
        assertEquals(trials, spark.read().parquet(out.resolve("trials").toString()).select("trial_id").distinct()
                .count());
        assertEquals(trials, spark.read().parquet(out.resolve("trials").toString()).count());
        assertEquals(trials * labelRows, spark.read().parquet(out.resolve("predictions").toString()).count());
        for (String folder : List.of("trials", "predictions", "epochs")) {
            try (Stream<Path> s = Files.list(out.resolve(folder))) {
                List<String> names = s.map(p -> p.getFileName().toString()).toList();
                assertEquals(trials, names.stream().filter(n -> n.endsWith(".parquet") && !n.startsWith(".")).count(),
                        folder);
                assertTrue(names.stream().noneMatch(n -> n.contains(".tmp-")), folder + " holds a temporary: " + names);
            }
        }
    }

    private static Map<String, Double> develCcc(SparkSession spark, Path out) {
        Map<String, Double> m = new TreeMap<>();
        for (Row r : spark.read().parquet(out.resolve("trials").toString()).collectAsList()) {
            m.put(r.getString(r.fieldIndex("trial_id")), r.getDouble(r.fieldIndex("devel_ccc")));
        }
        return m;
    }

    /** Committed trial rows (file name to modification time). */
    private static Map<String, FileTime> rows(Path out) throws Exception {
        Map<String, FileTime> m = new TreeMap<>();
        Path trials = out.resolve("trials");
        if (Files.isDirectory(trials)) {
            try (Stream<Path> s = Files.list(trials)) {
                for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".parquet")
                        && !p.getFileName().toString().startsWith(".")).toList()) {
                    m.put(p.getFileName().toString(), Files.getLastModifiedTime(p));
                }
            }
        }
        return m;
    }

    private void awaitRows(Path out, int n, Process driver, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (rows(out).size() < n) {
            if (driver != null && !driver.isAlive()) {
                throw new IllegalStateException("the driver exited early: " + Files.readString(cluster.log("driver-1")));
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("fewer than " + n + " trial rows after " + timeout);
            }
            Thread.sleep(100);
        }
    }
}
