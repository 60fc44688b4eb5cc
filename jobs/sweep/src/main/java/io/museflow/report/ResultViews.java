package io.museflow.report;

import io.museflow.data.InputDataException;
import io.museflow.results.SweepLayout;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The temporary views every chart query reads, by name → folder inside a sweep's output: the same
 * in the report and in the Zeppelin note's first paragraph (which {@link ZeppelinNote} writes from
 * this map).
 */
public final class ResultViews {
    /** View name → its table's folder relative to the sweep folder. */
    public static final Map<String, String> TABLES = tables();

    private ResultViews() {
    }

    private static Map<String, String> tables() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("trials", SweepLayout.TRIALS);
        m.put("epochs", SweepLayout.EPOCHS);
        m.put("predictions", SweepLayout.PREDICTIONS);
        m.put("best", SweepLayout.SUMMARY + "/" + SweepLayout.BEST);
        m.put("seeds", SweepLayout.SUMMARY + "/" + SweepLayout.SEEDS);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Registers the views of the sweep in {@code sweep}; names the missing table when one is absent. */
    public static void register(SparkSession spark, String sweep) throws IOException {
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        for (Map.Entry<String, String> t : TABLES.entrySet()) {
            Path p = new Path(sweep, t.getValue());
            if (!p.getFileSystem(conf).exists(p)) {
                throw new InputDataException(sweep + ": no " + t.getValue() + " table (is it a sweep's output folder, "
                        + "and has the sweep finished once?)");
            }
            spark.read().parquet(p.toString()).createOrReplaceTempView(t.getKey());
        }
    }
}
