package io.museflow.sweep;

import io.museflow.config.PrepareConfig;
import io.museflow.metrics.Scores;
import io.museflow.prepare.spark.PrepareJob;
import io.museflow.prepare.spark.SparkTestSession;
import io.museflow.prepare.spark.TestPackages;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sweep on a package whose test videos have labels (generated with {@code test-labels = true}):
 * every trial row carries its devel CCC's bootstrap interval over videos and its test CCC, both
 * equal to what the written predictions give, and the summaries report test beside devel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HonestNumbersTest {
    Path out;
    Dataset<Row> trials;
    Dataset<Row> predictions;

    @BeforeAll
    void sweep(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path pkg = TestPackages.generate(tmp.resolve("pkg"), "muse2020", "videos=12", "minutes.min=0.4",
                "minutes.max=0.6", "test-labels=true");
        Path prepared = tmp.resolve("prepared");
        PrepareJob.run(spark, PrepareConfig.load(List.of("input=" + pkg, "output=" + prepared, "window.size=60",
                "window.hop=30")));
        out = tmp.resolve("sweep");
        SweepJob.run(spark, SweepGrid.load(List.of("data=" + prepared, "output=" + out, "model=[stacked]", "layers=[1]",
                "cell=[gru]", "hidden=[6]", "max-epochs=3", "batch-size=[8]", "learning-rate=[0.01]", "seeds=[1, 2]",
                "feature-sets=[egemaps, vggface]", "save-models=false")));
        trials = spark.read().parquet(out.resolve("trials").toString());
        predictions = spark.read().parquet(out.resolve("predictions").toString());
    }

    /** The scores of one trial, target arousal, on one partition, recomputed from the predictions table. */
    private Scores recomputed(String trial, String partition) {
        Scores.Builder b = new Scores.Builder();
        Dataset<Row> p = predictions.where("trial_id = '" + trial + "' AND target = 'arousal' AND partition = '"
                + partition + "'");
        for (Row v : p.select("video").distinct().orderBy("video").collectAsList()) {
            List<Row> rows = p.where("video = '" + v.getString(0) + "'").orderBy("frame").collectAsList();
            float[] y = new float[rows.size()];
            float[] g = new float[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                y[i] = rows.get(i).getFloat(rows.get(i).fieldIndex("prediction"));
                g[i] = rows.get(i).isNullAt(rows.get(i).fieldIndex("label")) ? Float.NaN
                        : rows.get(i).getFloat(rows.get(i).fieldIndex("label"));
            }
            b.add(v.getString(0), y, g, null);
        }
        return b.build();
    }

    @Test
    void everyTrialCarriesItsDevelIntervalAndItsTestCcc() {
        List<Row> ok = trials.where("status = 'ok'").collectAsList();
        assertEquals(4, ok.size());
        for (Row r : ok) {
            String id = r.getString(r.fieldIndex("trial_id"));
            double devel = r.getDouble(r.fieldIndex("devel_ccc_arousal"));
            double low = r.getDouble(r.fieldIndex("devel_ccc_ci_low_arousal"));
            double high = r.getDouble(r.fieldIndex("devel_ccc_ci_high_arousal"));
            assertTrue(low <= devel && devel <= high && low < high, id + ": " + devel + " in [" + low + ", " + high + "]");
            Scores d = recomputed(id, "devel");
            assertEquals(devel, d.ccc(), 1e-5);
            // The interval is a function of the written predictions alone: anyone can reproduce it.
            assertEquals(low, d.cccInterval().low(), 1e-5);
            assertEquals(high, d.cccInterval().high(), 1e-5);
            Scores test = recomputed(id, "test");
            assertTrue(test.frames() > 0, "the generated test videos have labels");
            assertEquals(test.ccc(), r.getDouble(r.fieldIndex("test_ccc_arousal")), 1e-5);
            assertEquals(test.ccc(), r.getDouble(r.fieldIndex("test_ccc")), 1e-5, "one target: the mean is its CCC");
            assertEquals(test.cccInterval().low(), r.getDouble(r.fieldIndex("test_ccc_ci_low_arousal")), 1e-5);
            assertTrue(r.isNullAt(r.fieldIndex("test_ccc_valence")));
            assertFalse(Math.abs(test.ccc() - devel) < 1e-9, "test is scored on its own videos");
        }
    }

    @Test
    void tablesCommandWritesMarkdownAndParquetWithTestBesideDevel() throws Exception {
        List<io.museflow.results.PaperTables.Cell> cells = TablesJob.run(SparkTestSession.get(), TablesJob.Options.load(
                List.of("sweep=" + out, "modalities.audio=[egemaps]", "modalities.video=[vggface]")));
        String md = java.nio.file.Files.readString(out.resolve("tables/tables.md"));
        assertTrue(md.contains("### Unimodal results by modality and feature set") && md.contains("arousal test"), md);
        Dataset<Row> table = SparkTestSession.get().read().parquet(out.resolve("tables/tables.parquet").toString());
        assertEquals(cells.size(), table.count());
        Row unimodal = table.where("`table` = 'unimodal' AND variant = 'egemaps'").first();
        assertEquals("audio", unimodal.getString(unimodal.fieldIndex("group")));
        Row seeds = SparkTestSession.get().read().parquet(out.resolve("summary/seeds").toString())
                .where("feature_sets = 'egemaps'").first();
        assertEquals(seeds.getDouble(seeds.fieldIndex("devel_ccc_mean")), unimodal.getDouble(unimodal.fieldIndex(
                "devel_mean")), 1e-12);
        assertEquals(seeds.getDouble(seeds.fieldIndex("test_ccc_mean")), unimodal.getDouble(unimodal.fieldIndex(
                "test_mean")), 1e-12);
        // The seed mean's interval over devel videos, from the predictions as anyone can recompute it:
        // both seeds scored on the same draws of videos.
        List<java.util.Map<String, io.museflow.metrics.PairMoments>> bySeed = trials.where(
                "status = 'ok' AND feature_sets = 'egemaps'").select("trial_id").collectAsList().stream()
                .map(r -> recomputed(r.getString(0), "devel").momentsByVideo()).toList();
        assertEquals(2, bySeed.size());
        io.museflow.metrics.VideoBootstrap.Interval ci = io.museflow.metrics.VideoBootstrap.seedMean(bySeed);
        assertEquals(ci.low(), unimodal.getDouble(unimodal.fieldIndex("devel_ci_low")), 1e-5);
        assertEquals(ci.high(), unimodal.getDouble(unimodal.fieldIndex("devel_ci_high")), 1e-5);
        assertEquals(ci.low(), seeds.getDouble(seeds.fieldIndex("devel_ccc_ci_low")), 1e-5, "summary/seeds too");
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "[%.3f, %.3f]", ci.low(), ci.high())), md);
    }

    @Test
    void summariesReportTestBesideDevelButChooseOnDevel() {
        Dataset<Row> best = SparkTestSession.get().read().parquet(out.resolve("summary/best").toString());
        assertEquals(2, best.count(), "one row per feature set");
        for (Row b : best.collectAsList()) {
            String sets = b.getString(b.fieldIndex("feature_sets"));
            Row byDevel = trials.where("status = 'ok' AND feature_sets = '" + sets + "'").orderBy(
                    org.apache.spark.sql.functions.col("devel_ccc").desc()).first();
            assertEquals(byDevel.getString(byDevel.fieldIndex("trial_id")), b.getString(b.fieldIndex("trial_id")));
            assertEquals(byDevel.getDouble(byDevel.fieldIndex("test_ccc")), b.getDouble(b.fieldIndex("test_ccc")), 1e-12);
            assertFalse(b.isNullAt(b.fieldIndex("devel_ccc_ci_low_arousal")));
        }
        Dataset<Row> seeds = SparkTestSession.get().read().parquet(out.resolve("summary/seeds").toString());
        for (Row s : seeds.collectAsList()) {
            String group = s.getString(s.fieldIndex("group_id"));
            List<Double> tests = trials.where("group_id = '" + group + "'").select("test_ccc")
                    .as(org.apache.spark.sql.Encoders.DOUBLE()).collectAsList();
            assertEquals(2, tests.size());
            assertEquals((tests.get(0) + tests.get(1)) / 2, s.getDouble(s.fieldIndex("test_ccc_mean")), 1e-12);
            assertFalse(s.isNullAt(s.fieldIndex("test_ccc_std")));
        }
    }
}
