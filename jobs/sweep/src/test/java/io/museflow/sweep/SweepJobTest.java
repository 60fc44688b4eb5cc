package io.museflow.sweep;

import io.museflow.prepare.spark.PrepareJob;
import io.museflow.prepare.spark.SparkTestSession;
import io.museflow.prepare.spark.TestPackages;
import io.museflow.config.PrepareConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweeps of tiny grids on a tiny prepared data set, in local Spark. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepJobTest {
    Path dir;
    Path prepared;

    @BeforeAll
    void prepare(@TempDir Path tmp) throws Exception {
        dir = tmp;
        Path pkg = TestPackages.generate(tmp.resolve("pkg"), "muse2020", "minutes.min=0.8", "minutes.max=1");
        prepared = tmp.resolve("prepared");
        PrepareJob.run(SparkTestSession.get(), PrepareConfig.load(List.of("input=" + pkg, "output=" + prepared,
                "window.size=60", "window.hop=30")));
    }

    @AfterEach
    void noCrash() {
        System.clearProperty(SweepTask.CRASH_PROPERTY);
    }

    private SweepGrid grid(String output, String... args) {
        List<String> a = new ArrayList<>(List.of("data=" + prepared, "output=" + dir.resolve(output), "model=[stacked]",
                "layers=[1]", "cell=[gru]", "max-epochs=2", "batch-size=[8]", "learning-rate=[0.01]"));
        a.addAll(List.of(args));
        return SweepGrid.load(a);
    }

    private static Dataset<Row> table(SparkSession spark, Path out, String name) {
        return spark.read().parquet(out.resolve(name).toString());
    }

    private static List<String> files(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void tinyGridEndToEndWithAFailingTrialBesideGoodOnes() throws Exception {
        SparkSession spark = SparkTestSession.get();
        // The sun trial with width 6 and 4 heads cannot be built: it fails, the others do not.
        SweepGrid g = grid("grid", "model=[stacked, sun]", "hidden=[4, 8]", "seeds=[1, 2]", "width=[6]", "heads=[4]",
                "exclude=[{model = sun, hidden = 8}, {model = sun, seeds = 2}]");
        assertEquals(5, g.trials().size());
        SweepJob.Report r = SweepJob.run(spark, g);
        assertEquals(5, r.trained());
        assertEquals(1, r.failed());
        Path out = dir.resolve("grid");
        Dataset<Row> trials = table(spark, out, "trials");
        assertEquals(5, trials.count());
        assertEquals(5, trials.select("trial_id").distinct().count());
        Row bad = trials.where("status = 'failed'").first();
        assertEquals("sun", bad.getString(bad.fieldIndex("model")));
        assertTrue(bad.getString(bad.fieldIndex("error")).contains("divisible"), bad.getString(bad.fieldIndex("error")));
        assertEquals(0, trials.where("attempt <> 0").count(), "a failing trial is not retried by Spark");
        Dataset<Row> good = trials.where("status = 'ok'");
        assertEquals(4, good.where("devel_ccc_arousal IS NOT NULL AND train_ccc_arousal IS NOT NULL AND "
                + "devel_ccc_valence IS NULL AND epochs_run = 2 AND data_fingerprint IS NOT NULL AND code_version "
                + "IS NOT NULL AND config LIKE '%hidden%' AND devel_ccc_ci_low_arousal <= devel_ccc_arousal AND "
                + "devel_ccc_arousal <= devel_ccc_ci_high_arousal").count());
        assertEquals(0, trials.where("test_ccc IS NOT NULL OR test_ccc_arousal IS NOT NULL").count(),
                "no test CCC where the package has no test labels");
        // Files of successful trials only, one per trial and table.
        List<String> ok = good.select("trial_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList().stream()
                .sorted().toList();
        assertEquals(ok.stream().map(id -> id + ".parquet").toList(), files(out.resolve("predictions")));
        assertEquals(ok.stream().map(id -> id + ".parquet").toList(), files(out.resolve("epochs")));
        assertEquals(ok.stream().map(id -> id + ".zip").toList(), files(out.resolve("models")));
        Dataset<Row> labels = spark.read().parquet(prepared.resolve("labels").toString());
        assertEquals(4 * labels.count(), table(spark, out, "predictions").count(), "every frame of every partition");
        assertEquals(8, table(spark, out, "epochs").count());
        // Summary views: the best per (targets, feature sets, model); seeds aggregated.
        Dataset<Row> best = table(spark, out, "summary/best");
        assertEquals(1, best.count(), "only the stacked model has successful trials");
        double bestCcc = good.agg(org.apache.spark.sql.functions.max("devel_ccc")).first().getDouble(0);
        assertEquals(bestCcc, best.first().getDouble(best.first().fieldIndex("devel_ccc")), 1e-12);
        Dataset<Row> seeds = table(spark, out, "summary/seeds");
        assertEquals(2, seeds.count(), "two hidden sizes, each over two seeds");
        assertEquals(2, seeds.where("seeds = 2 AND devel_ccc_std IS NOT NULL").count());
    }

    @Test
    void rerunsSkipDoneTrialsAndGrownGridsTrainOnlyTheNewOnes() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path out = dir.resolve("resume");
        assertEquals(2, SweepJob.run(spark, grid("resume", "hidden=[4, 8]")).trained());
        Map<String, FileTime> before = modified(out.resolve("trials"));
        SweepJob.Report again = SweepJob.run(spark, grid("resume", "hidden=[4, 8]"));
        assertEquals(0, again.trained());
        assertEquals(2, again.skipped());
        SweepJob.Report grown = SweepJob.run(spark, grid("resume", "hidden=[4, 8, 12]", "seeds=[1, 2]"));
        assertEquals(4, grown.trained());
        assertEquals(2, grown.skipped());
        Map<String, FileTime> after = modified(out.resolve("trials"));
        before.forEach((f, t) -> assertEquals(t, after.get(f), f + " was not rewritten"));
        assertEquals(6, table(spark, out, "trials").count());

        // An interrupted run: the driver died after a trial had committed its predictions, not its row.
        String victim = before.keySet().iterator().next();
        Files.delete(out.resolve("trials").resolve(victim));
        Files.deleteIfExists(out.resolve("trials").resolve("." + victim + ".crc"));
        org.apache.hadoop.fs.Path abandoned = io.museflow.store.AtomicFiles.temporarySibling(
                new org.apache.hadoop.fs.Path(out.resolve("predictions").resolve(victim).toUri()), "tmp");
        Files.writeString(Path.of(abandoned.toUri()), "partial");
        SweepJob.Report resumed = SweepJob.run(spark, grid("resume", "hidden=[4, 8, 12]", "seeds=[1, 2]"));
        assertEquals(1, resumed.trained());
        assertTrue(!Files.exists(Path.of(abandoned.toUri())), "the dead attempt's temporary file is removed");
        assertEquals(6, table(spark, out, "trials").count());
        assertEquals(6, files(out.resolve("predictions")).size(), "one predictions file per trial");
        assertEquals(6 * spark.read().parquet(prepared.resolve("labels").toString()).count(),
                table(spark, out, "predictions").count(), "hidden temporary files are not part of the table");

        String m = assertThrows(io.museflow.data.InputDataException.class,
                () -> SweepJob.run(spark, grid("pkg-as-output", "output=" + dir.resolve("pkg")))).getMessage();
        assertTrue(m.contains("is not a sweep's output"), m);
    }

    private static Map<String, FileTime> modified(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).collect(Collectors.toMap(
                    p -> p.getFileName().toString(), p -> {
                        try {
                            return Files.getLastModifiedTime(p);
                        } catch (java.io.IOException e) {
                            throw new RuntimeException(e);
                        }
                    }));
        }
    }

    /**
     * local[2,3]: a task that dies is retried by Spark; each trial still has exactly one row and one
     * file. Every first attempt is proven to have crashed (four failed task attempts), also after the
     * row commit, where the retry finds the row and nothing else shows the crash.
     */
    @Test
    void retriedTasksLeaveExactlyOneRowPerTrial() throws Exception {
        SparkSession spark = SparkTestSession.get("local[2,3]");
        try {
            for (String point : List.of("after-predictions", "after-row")) {
                System.setProperty(SweepTask.CRASH_PROPERTY, point);
                Path out = dir.resolve("retry-" + point);
                SweepJob.Report r;
                try (FailedTaskAttempts failedAttempts = new FailedTaskAttempts(spark)) {
                    r = SweepJob.run(spark, grid("retry-" + point, "hidden=[4, 8]", "seeds=[1, 2]"));
                    assertEquals(4, failedAttempts.count(), point + ": one crashed first attempt per trial");
                }
                assertEquals(4, r.trained());
                assertEquals(0, r.failed());
                Dataset<Row> trials = table(spark, out, "trials");
                assertEquals(4, trials.count());
                assertEquals(4, trials.select("trial_id").distinct().count());
                // after-predictions: the retry trained and committed the row; after-row: the first attempt's row stands.
                assertEquals(point.equals("after-predictions") ? 4 : 0, trials.where("attempt = 1").count(), point);
                assertEquals(4, files(out.resolve("predictions")).size());
                assertEquals(4 * spark.read().parquet(prepared.resolve("labels").toString()).count(),
                        table(spark, out, "predictions").count());
            }
        } finally {
            System.clearProperty(SweepTask.CRASH_PROPERTY);
            SparkTestSession.get();
        }
    }

    /**
     * local[2,3] (Spark would retry a failed task twice): a trial that cannot be built and one that
     * diverges (learning rate 10^6) are recorded as failed with their reasons, and no task attempt
     * fails, so neither is trained again.
     */
    @Test
    void deterministicFailuresAreRecordedNotRetried() throws Exception {
        SparkSession spark = SparkTestSession.get("local[2,3]");
        try (FailedTaskAttempts failedAttempts = new FailedTaskAttempts(spark)) {
            SweepJob.Report r = SweepJob.run(spark, grid("deterministic", "model=[sun]", "width=[6, 8]", "heads=[4]",
                    "hidden=[8]", "learning-rate=[0.01, 1e6]", "batch-size=[2]", "max-epochs=6", "exclude=[{width = 6, learning-rate = 1e6}]"));
            assertEquals(3, r.trained());
            assertEquals(2, r.failed());
            assertEquals(0, failedAttempts.count(), "no task attempt failed, so none was retried");
            Dataset<Row> trials = table(spark, dir.resolve("deterministic"), "trials");
            assertEquals(3, trials.count());
            assertEquals(0, trials.where("attempt <> 0").count());
            Row unbuildable = trials.where("width = 6").first();
            assertEquals("failed", unbuildable.getString(unbuildable.fieldIndex("status")));
            assertTrue(unbuildable.getString(unbuildable.fieldIndex("error")).contains("divisible"));
            Row diverged = trials.where("learning_rate > 1").first();
            assertEquals("failed", diverged.getString(diverged.fieldIndex("status")));
            String reason = diverged.getString(diverged.fieldIndex("error"));
            assertTrue(reason.contains("NaN") && reason.contains("epoch"), reason);
            assertEquals(1, trials.where("status = 'ok'").count());
            assertEquals(1, files(dir.resolve("deterministic").resolve("predictions")).size(),
                    "only the trial that trained has predictions");
        } finally {
            SparkTestSession.get();
        }
    }

    @Test
    void dryRunListsTheTrialsWithoutTraining() throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            SweepJob.dryRun(grid("dry", "hidden=[4, 8, 16]", "seeds=[1, 2]"),
                    SparkTestSession.get().sparkContext().hadoopConfiguration());
        } finally {
            System.setOut(stdout);
        }
        String text = buf.toString();
        assertTrue(text.contains("6 trials (6 grid points; 0 done, 6 to train)"), text);
        assertTrue(text.contains("pending") && text.contains("egemaps>arousal 1xBiGRU hid16"), text);
        assertTrue(!Files.exists(dir.resolve("dry")), "nothing written");
        String m = assertThrows(io.museflow.data.InputDataException.class, () -> SweepJob.dryRun(
                grid("dry", "feature-sets=[deepspectrum]"), new org.apache.hadoop.conf.Configuration())).getMessage();
        assertTrue(m.contains("'deepspectrum' is not in"), m);
    }

    @Test
    void dryRunListsTheTrialsOfADataSetNotPreparedYet() throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        Path missing = dir.resolve("not-prepared");
        try {
            SweepJob.dryRun(SweepGrid.load(List.of("data=" + missing, "output=" + dir.resolve("dry2"),
                    "model=[stacked]", "layers=[1]", "cell=[gru]", "hidden=[4, 8]", "seeds=[1, 2]",
                    "feature-sets=[deepspectrum]")), new org.apache.hadoop.conf.Configuration());
        } finally {
            System.setOut(stdout);
        }
        String text = buf.toString();
        assertTrue(text.contains("4 trials (4 grid points)") && text.contains("is not prepared yet"), text);
        assertEquals(4, text.lines().filter(l -> l.matches("\\s+\\d+  \\?\\s+pending  deepspectrum>.*")).count(), text);
        assertTrue(!Files.exists(missing) && !Files.exists(dir.resolve("dry2")), "nothing written");
    }

    @Test
    void lateFusionTrialsFuseTheBestTrialOfEachFeatureSet() throws Exception {
        SparkSession spark = SparkTestSession.get();
        String[] args = {"feature-sets=[egemaps, vggface]", "hidden=[4, 8]", "fusion.max-epochs=2",
                "fusion.batch-size=8", "re-epochs=2",
                "fusion.inputs=[{sets = [egemaps, vggface]}, {sets = [egemaps, vggface], re = [egemaps]}]"};
        SweepJob.Report r = SweepJob.run(spark, grid("fusion", args));
        assertEquals(4 + 2 + 1, r.trained(), "4 trials, 2 learned fusions, 1 mean of their (shared) sources");
        assertEquals(0, r.failed());
        Path out = dir.resolve("fusion");
        Dataset<Row> trials = table(spark, out, "trials");
        Dataset<Row> late = trials.where("model = 'late-sun'").orderBy("feature_sets");
        assertEquals(List.of("late(egemaps,vggface)", "late(egemaps,vggface;re:egemaps)"),
                late.select("feature_sets").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        for (String set : List.of("egemaps", "vggface")) {
            Row bestOfSet = trials.where("feature_sets = '" + set + "'").orderBy(org.apache.spark.sql.functions
                    .col("devel_ccc").desc()).first();
            String id = bestOfSet.getString(bestOfSet.fieldIndex("trial_id"));
            assertEquals(2, late.where("get_json_object(config, '$.late_fusion.sources." + set + "') = '" + id + "'")
                            .count(),
                    "fusion records the best " + set + " trial as its source");
        }
        assertEquals(2, late.where("devel_ccc_arousal IS NOT NULL AND status = 'ok'").count());
        Dataset<Row> predictions = table(spark, out, "predictions");

        // The untrained mean of the same sources, beside them: its devel CCC is that of the
        // frame-wise mean of the sources' devel predictions, recomputed here from the predictions table.
        Row mean = trials.where("model = 'late-mean'").first();
        assertEquals("late(egemaps,vggface)", mean.getString(mean.fieldIndex("feature_sets")));
        assertTrue(mean.isNullAt(mean.fieldIndex("seed")), "nothing random about a mean");
        var meanConfig = new com.fasterxml.jackson.databind.ObjectMapper().readTree(mean.getString(
                mean.fieldIndex("config"))).path("late_fusion").path("sources");
        String sourceA = meanConfig.path("egemaps").asText();
        String sourceB = meanConfig.path("vggface").asText();
        assertEquals(2, late.where("get_json_object(config, '$.late_fusion.sources.egemaps') = '" + sourceA
                + "' AND get_json_object(config, '$.late_fusion.sources.vggface') = '" + sourceB + "'").count(),
                "the mean averages the learned fusions' sources");
        Dataset<Row> develSources = predictions.where("partition = 'devel' AND trial_id IN ('" + sourceA + "', '"
                + sourceB + "')");
        List<Row> averaged = develSources.groupBy("video", "frame").agg(org.apache.spark.sql.functions.avg("prediction")
                .as("p"), org.apache.spark.sql.functions.first("label").as("y"), org.apache.spark.sql.functions.count("*")
                .as("n")).orderBy("video", "frame").collectAsList();
        io.museflow.metrics.Scores.Builder expected = new io.museflow.metrics.Scores.Builder();
        java.util.Map<String, List<Row>> byVideo = new java.util.TreeMap<>();
        averaged.forEach(a -> byVideo.computeIfAbsent(a.getString(0), k -> new java.util.ArrayList<>()).add(a));
        byVideo.forEach((video, rows) -> {
            float[] p = new float[rows.size()];
            float[] y = new float[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                Row a = rows.get(i); // video, frame, p, y, n
                assertEquals(i, a.getInt(1));
                assertEquals(2, a.getLong(4), "both sources predict every devel frame");
                p[i] = (float) a.getDouble(2);
                y[i] = a.isNullAt(3) ? Float.NaN : a.getFloat(3);
            }
            expected.add(video, p, y, null);
        });
        assertEquals(expected.build().ccc(), mean.getDouble(mean.fieldIndex("devel_ccc_arousal")), 1e-5);
        String fusedId = late.first().getString(late.first().fieldIndex("trial_id"));
        assertEquals(spark.read().parquet(prepared.resolve("labels").toString()).count(),
                predictions.where("trial_id = '" + fusedId + "'").count(), "fusion predicts every partition");
        assertEquals(5, table(spark, out, "summary/best").count(), "egemaps, vggface, both fusion variants, the mean");
        assertEquals(0, SweepJob.run(spark, grid("fusion", args)).trained(), "a rerun trains nothing");
    }

    @Test
    void threadsPerTrialBecomeTaskSlotsAndOpenMpThreadsUnlessSet() {
        SweepGrid g = grid("threads", "threads-per-trial=4");
        Map<String, String> fresh = SweepJob.sparkSettings(g, new org.apache.spark.SparkConf(false));
        assertEquals("4", fresh.get("spark.task.cpus"));
        assertEquals("4", fresh.get("spark.executorEnv.OMP_NUM_THREADS"));
        assertEquals("false", fresh.get("spark.ui.showConsoleProgress"));
        Map<String, String> userSet = SweepJob.sparkSettings(g, new org.apache.spark.SparkConf(false)
                .set("spark.task.cpus", "2"));
        assertTrue(!userSet.containsKey("spark.task.cpus"), "the user's spark.task.cpus stands");
    }
}
