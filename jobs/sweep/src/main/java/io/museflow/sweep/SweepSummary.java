package io.museflow.sweep;

import io.museflow.metrics.PairMoments;
import io.museflow.metrics.VideoBootstrap;
import io.museflow.results.DevelMoments;
import io.museflow.results.SweepLayout;
import io.museflow.store.AtomicFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.stddev_samp;

/** The sweep's summary views, for choosing fusion inputs and reporting: computed with Spark over the trial rows. */
final class SweepSummary {
    private SweepSummary() {
    }

    /**
     * {@code summary/best}: the best trial by devel CCC per (targets, feature sets, model), with its
     * bootstrap interval per target and, where the package has test labels, its test CCC;
     * {@code summary/seeds}: trials that differ only in their seed, aggregated (count, mean, standard
     * deviation and best devel CCC with the 95 % bootstrap interval over devel videos of that mean, the
     * best trial, test CCC mean and standard deviation). Both over
     * every trial row in the folder, replaced as a whole. Every choice is made on devel CCC; test
     * columns are only reported.
     */
    static void write(SparkSession spark, Path out, Configuration conf) throws IOException {
        Dataset<Row> ok = spark.read().parquet(new Path(out, SweepLayout.TRIALS).toString()).where("status = 'ok'");
        Dataset<Row> best = ok.withColumn("rank", row_number().over(Window.partitionBy("targets", "feature_sets", "model")
                        .orderBy(col("devel_ccc").desc(), col("trial_id"))))
                .where("rank = 1").drop("rank")
                .select("targets", "feature_sets", "model", "devel_ccc", "devel_ccc_arousal", "devel_ccc_valence",
                        "train_ccc_arousal", "train_ccc_valence", "trial_id", "name", "seed", "best_epoch",
                        "devel_ccc_ci_low_arousal", "devel_ccc_ci_high_arousal", "devel_ccc_ci_low_valence",
                        "devel_ccc_ci_high_valence", "test_ccc", "test_ccc_arousal", "test_ccc_valence")
                .orderBy(col("targets"), col("devel_ccc").desc());
        Dataset<Row> seeds = ok.withColumn("configuration", regexp_replace(col("name"), " seed-?[0-9]+$", ""))
                .groupBy("group_id", "targets", "feature_sets", "model", "configuration")
                .agg(count("*").as("seeds"), avg("devel_ccc").as("devel_ccc_mean"),
                        stddev_samp("devel_ccc").as("devel_ccc_std"), max("devel_ccc").as("devel_ccc_best"),
                        avg("test_ccc").as("test_ccc_mean"), stddev_samp("test_ccc").as("test_ccc_std"),
                        expr("max_by(trial_id, devel_ccc)").as("best_trial_id"))
                .join(seedMeanIntervals(spark, ok, out), new String[]{"group_id", "targets"}, "left")
                .orderBy(col("targets"), col("devel_ccc_mean").desc());
        AtomicFiles.commitReplacing(new Path(out, SweepLayout.SUMMARY), conf, tmp -> {
            best.coalesce(1).write().parquet(new Path(tmp, SweepLayout.BEST).toString());
            seeds.coalesce(1).write().parquet(new Path(tmp, SweepLayout.SEEDS).toString());
        });
        List<Row> top = best.limit(12).collectAsList();
        System.err.println("best devel CCC per target, feature sets and model:");
        for (Row r : top) {
            String target = r.getString(0);
            // A single target's 95 % bootstrap interval over devel videos; none for a joint model's mean.
            String ci = target.contains("+") || r.isNullAt(r.fieldIndex("devel_ccc_ci_low_" + target)) ? ""
                    : String.format(" [%.3f, %.3f]", r.getDouble(r.fieldIndex("devel_ccc_ci_low_" + target)),
                    r.getDouble(r.fieldIndex("devel_ccc_ci_high_" + target)));
            String test = r.isNullAt(r.fieldIndex("test_ccc")) ? "" : String.format("  test %.4f", r.getDouble(
                    r.fieldIndex("test_ccc")));
            System.err.printf("  %-16s %-24s %-8s %.4f%s%s  %s%n", target, r.getString(1), r.getString(2),
                    r.getDouble(3), ci, test, r.getString(9));
        }
    }

    /**
     * Per configuration of one target, the 95 % bootstrap interval of its devel seed mean over devel
     * videos ({@link VideoBootstrap#seedMean}, from the predictions files); none for a joint model
     * (its devel CCC is the mean over two targets) or where a seed's predictions are missing.
     */
    private static Dataset<Row> seedMeanIntervals(SparkSession spark, Dataset<Row> ok, Path out) throws IOException {
        Map<String, Map<String, PairMoments>> moments = DevelMoments.read(spark, out.toString());
        List<Row> rows = new ArrayList<>();
        for (Row g : ok.where("targets NOT LIKE '%+%'").groupBy("group_id", "targets")
                .agg(collect_list("trial_id")).collectAsList()) {
            List<Map<String, PairMoments>> seeds = new ArrayList<>();
            for (Object id : g.getList(2)) {
                seeds.add(moments.get(DevelMoments.key((String) id, g.getString(1))));
            }
            if (seeds.stream().noneMatch(java.util.Objects::isNull)) {
                VideoBootstrap.Interval ci = VideoBootstrap.seedMean(seeds);
                rows.add(RowFactory.create(g.getString(0), g.getString(1), ci.low(), ci.high()));
            }
        }
        return spark.createDataFrame(rows, new StructType().add("group_id", "string", false)
                .add("targets", "string", false).add("devel_ccc_ci_low", "double", false)
                .add("devel_ccc_ci_high", "double", false));
    }
}
