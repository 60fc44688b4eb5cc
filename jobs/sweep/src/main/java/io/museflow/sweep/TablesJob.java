package io.museflow.sweep;

import io.museflow.config.Settings;
import io.museflow.data.InputDataException;
import io.museflow.data.Target;
import io.museflow.job.Console;
import io.museflow.job.Jobs;
import io.museflow.metrics.PairMoments;
import io.museflow.results.DevelMoments;
import io.museflow.results.PaperTables;
import io.museflow.results.SweepLayout;
import io.museflow.store.AtomicFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code spark-submit --class io.museflow.sweep.TablesJob jobs/sweep.jar sweep=DIR [output=DIR]
 * [modalities.audio=[egemaps] ...]}: a sweep folder's trials as the papers' tables
 * ({@link PaperTables}), written as {@code tables.md} and the Parquet table {@code tables.parquet}
 * (one row per cell) into {@code output} (default {@code <sweep>/tables}), replaced as a whole.
 */
public final class TablesJob {
    public static final String SECTION = "museflow.tables";

    private TablesJob() {
    }

    /** The tables' settings, parsed once. */
    public record Options(String sweep, String output, Map<String, String> modalities) {
        public static Options load(List<String> args) {
            Settings s = Settings.load(SECTION, args);
            Map<String, String> modalities = new LinkedHashMap<>();
            Settings m = Settings.view(s.key("modalities"), s.raw().getConfig("modalities"));
            for (String modality : m.raw().root().keySet()) {
                for (String set : m.strings(modality)) {
                    modalities.put(set, modality);
                }
            }
            String sweep = s.string("sweep");
            String output = s.raw().getString("output").isBlank() ? new Path(sweep, "tables").toString()
                    : s.string("output");
            return new Options(sweep, output, modalities);
        }
    }

    public static void main(String[] args) throws Exception {
        Jobs.main("tables", """
                usage: spark-submit --class io.museflow.sweep.TablesJob jobs/sweep.jar sweep=DIR [output=DIR]
                  [modalities.audio=[egemaps, ...]] [modalities.video=[...]] [modalities.text=[...]]
                  Keys are those of museflow.tables in reference.conf.""", args, a -> {
            Options o = Options.load(a);
            return spark -> run(spark, o);
        });
    }

    public static List<PaperTables.Cell> run(SparkSession spark, Options o) throws IOException {
        Console log = new Console("tables");
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path trialsDir = new Path(o.sweep(), SweepLayout.TRIALS);
        if (!trialsDir.getFileSystem(conf).exists(trialsDir)) {
            throw new InputDataException(SECTION + ".sweep: " + o.sweep() + " has no trials table (run a sweep first)");
        }
        Map<String, Map<String, PairMoments>> develVideos = DevelMoments.read(spark, o.sweep());
        List<PaperTables.Trial> trials = new ArrayList<>();
        for (Row r : spark.read().parquet(trialsDir.toString()).where("status = 'ok'").collectAsList()) {
            for (String t : r.getString(r.fieldIndex("targets")).split("\\+")) {
                Target target = Target.of(t);
                Double devel = number(r, "devel_ccc_" + t);
                if (devel == null) {
                    continue;
                }
                Double test = number(r, "test_ccc_" + t);
                String id = r.getString(r.fieldIndex("trial_id"));
                trials.add(new PaperTables.Trial(id, text(r, "group_id"),
                        text(r, "name"), target, text(r, "feature_sets"), text(r, "model"), integer(r, "attention_layers"),
                        integer(r, "lstm_layers"), text(r, "cell"), Boolean.TRUE.equals(value(r, "bidirectional")),
                        integer(r, "layers"), text(r, "loss"), devel, test == null ? Double.NaN : test,
                        develVideos.getOrDefault(DevelMoments.key(id, t), Map.of())));
            }
        }
        List<PaperTables.Cell> cells = PaperTables.compute(trials, o.modalities());
        String md = "# Tables of sweep " + o.sweep() + "\n\nEach cell: the configuration with the best devel seed mean "
                + "among the trials of that variant; mean ± standard deviation over its seeds (devel, and test where "
                + "the package has test labels; nothing is chosen on test); in brackets the 95 % bootstrap interval "
                + "of the devel seed mean over devel videos (1,000 draws of the videos, each scoring every seed).\n\n" + PaperTables.markdown(cells);
        Dataset<Row> table = spark.createDataFrame(cells.stream().map(c -> org.apache.spark.sql.RowFactory.create(
                c.table(), c.target().key(), c.group(), c.variant(), c.seeds(), c.develMean(), nanToNull(c.develStd()),
                nanToNull(c.develLow()), nanToNull(c.develHigh()),
                nanToNull(c.testMean()), nanToNull(c.testStd()), c.name(), c.bestTrialId())).toList(), SCHEMA);
        Path out = new Path(o.output());
        AtomicFiles.commitReplacing(out, conf, tmp -> {
            FileSystem fs = tmp.getFileSystem(conf);
            fs.mkdirs(tmp);
            try (FSDataOutputStream s = fs.create(new Path(tmp, "tables.md"))) {
                s.write(md.getBytes(StandardCharsets.UTF_8));
            }
            table.coalesce(1).write().parquet(new Path(tmp, "tables.parquet").toString());
        });
        log.info(String.format("%d cells from %d trial results: %s", cells.size(), trials.size(),
                new Path(out, "tables.md")));
        return cells;
    }

    static final org.apache.spark.sql.types.StructType SCHEMA = new org.apache.spark.sql.types.StructType()
            .add("table", "string", false).add("target", "string", false).add("group", "string", false)
            .add("variant", "string", false).add("seeds", "int", false).add("devel_mean", "double", false)
            .add("devel_std", "double", true).add("devel_ci_low", "double", true)
            .add("devel_ci_high", "double", true).add("test_mean", "double", true).add("test_std", "double", true)
            .add("name", "string", true).add("best_trial_id", "string", false);

    private static Double nanToNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static Object value(Row r, String column) {
        int i;
        try {
            i = r.fieldIndex(column);
        } catch (IllegalArgumentException absent) {
            return null;
        }
        return r.isNullAt(i) ? null : r.get(i);
    }

    private static String text(Row r, String column) {
        Object v = value(r, column);
        return v == null ? "" : v.toString();
    }

    private static int integer(Row r, String column) {
        Object v = value(r, column);
        return v == null ? 0 : ((Number) v).intValue();
    }

    private static Double number(Row r, String column) {
        Object v = value(r, column);
        return v == null ? null : ((Number) v).doubleValue();
    }
}
