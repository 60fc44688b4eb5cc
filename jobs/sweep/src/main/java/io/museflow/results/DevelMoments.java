package io.museflow.results;

import io.museflow.data.Partition;
import io.museflow.metrics.PairMoments;
import io.museflow.table.ResultSchema;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The moments of every trial's devel predictions, by target and video, aggregated with Spark from a
 * sweep's predictions files: what a bootstrap interval over videos needs of a trial after the fact
 * (a seed mean's interval draws the same videos for every seed). Frames without a label are left
 * out, as the trial's own devel CCC leaves them out.
 */
public final class DevelMoments {
    private DevelMoments() {
    }

    /** The key of a trial's predictions of one target. */
    public static String key(String trialId, String target) {
        return trialId + "|" + target;
    }

    /** {@link #key} → video → moments; empty when the sweep has no predictions yet. */
    public static Map<String, Map<String, PairMoments>> read(SparkSession spark, String sweep) throws IOException {
        Path dir = new Path(sweep, SweepLayout.PREDICTIONS);
        Map<String, Map<String, PairMoments>> out = new HashMap<>();
        if (!dir.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(dir)) {
            return out;
        }
        spark.read().parquet(dir.toString()).createOrReplaceTempView("museflow_predictions");
        String p = "CAST(" + ResultSchema.PREDICTION + " AS DOUBLE)";
        String g = "CAST(" + ResultSchema.LABEL + " AS DOUBLE)";
        for (Row r : spark.sql("SELECT " + ResultSchema.TRIAL_ID + ", " + ResultSchema.TARGET + ", "
                + ResultSchema.VIDEO + ", COUNT(*), AVG(" + p + "), AVG(" + g + "), VAR_POP(" + p + ") * COUNT(*), "
                + "VAR_POP(" + g + ") * COUNT(*), COVAR_POP(" + p + ", " + g + ") * COUNT(*), "
                + "SUM((" + p + " - " + g + ") * (" + p + " - " + g + ")) FROM museflow_predictions WHERE "
                + ResultSchema.PARTITION + " = '" + Partition.DEVEL.id() + "' AND " + ResultSchema.LABEL
                + " IS NOT NULL AND NOT isnan(" + ResultSchema.LABEL + ") GROUP BY 1, 2, 3").collectAsList()) {
            out.computeIfAbsent(key(r.getString(0), r.getString(1)), k -> new TreeMap<>()).put(r.getString(2),
                    PairMoments.of(r.getLong(3), r.getDouble(4), r.getDouble(5), r.getDouble(6), r.getDouble(7),
                            r.getDouble(8), r.getDouble(9)));
        }
        return out;
    }
}
