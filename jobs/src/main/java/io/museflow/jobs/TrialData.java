package io.museflow.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.museflow.data.InputDataException;
import io.museflow.learn.TrialSpec;
import io.museflow.learn.train.Sequence;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One trial's data from a prepared data set: train windows (feature sets concatenated frame by
 * frame: early fusion) and whole devel videos. A trial trains on one machine, so its data is
 * collected there; the prepared data set itself is never loaded whole.
 */
record TrialData(int inputs, List<Sequence> train, List<Sequence> devel, String dataFingerprint,
                 Map<String, Integer> widths) {

    static TrialData load(SparkSession spark, TrialSpec spec) throws IOException {
        Path root = new Path(spec.data());
        FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
        Path manifestPath = new Path(root, OutputDir.MANIFEST);
        if (!fs.exists(manifestPath)) {
            throw new InputDataException(spec.data() + " is not a prepared data set (no " + OutputDir.MANIFEST
                    + "; run prepare first, or set " + TrialSpec.SECTION + ".data)");
        }
        JsonNode manifest;
        try (InputStream in = fs.open(manifestPath)) {
            manifest = new ObjectMapper().readTree(in);
        }
        Map<String, Integer> widths = new LinkedHashMap<>();
        for (JsonNode s : manifest.path("feature_sets")) {
            widths.put(s.path("name").asText(), s.path("width").asInt());
        }
        for (String set : spec.featureSets()) {
            if (!widths.containsKey(set)) {
                throw new InputDataException(TrialSpec.SECTION + ".feature-sets: '" + set + "' is not in " + spec.data()
                        + " (prepared sets: " + widths.keySet() + ")");
            }
        }
        int size = manifest.path("window_size").asInt();
        int inputs = spec.featureSets().stream().mapToInt(widths::get).sum();
        String base = spec.data() + "/";
        return new TrialData(inputs, windows(spark, spec, base, widths, size, inputs),
                devel(spark, spec, base, widths, inputs), manifest.path("data_fingerprint").asText(), widths);
    }

    private static String table(String set) {
        return set.replace("/", "__");
    }

    private static List<Sequence> windows(SparkSession spark, TrialSpec spec, String base, Map<String, Integer> widths,
                                          int size, int inputs) {
        Dataset<Row> joined = spark.read().parquet(base + PreparedTables.WINDOWS).select("video", "window", "length",
                "arousal", "valence");
        for (int i = 0; i < spec.featureSets().size(); i++) {
            String set = spec.featureSets().get(i);
            Dataset<Row> f = spark.read().parquet(base + PreparedTables.WINDOW_FEATURES + "/" + table(set))
                    .selectExpr("video", "window", "values AS f" + i);
            joined = joined.join(f, scala.collection.JavaConverters.asScalaBuffer(List.of("video", "window")).toSeq());
        }
        List<Sequence> out = new ArrayList<>();
        for (Row r : joined.orderBy("video", "window").collectAsList()) {
            int length = r.getInt(r.fieldIndex("length"));
            float[] x = new float[length * inputs];
            int offset = 0;
            for (int i = 0; i < spec.featureSets().size(); i++) {
                int d = widths.get(spec.featureSets().get(i));
                List<Float> values = r.getList(r.fieldIndex("f" + i));
                for (int t = 0; t < length; t++) {
                    for (int c = 0; c < d; c++) {
                        x[t * inputs + offset + c] = values.get(t * d + c);
                    }
                }
                offset += d;
            }
            float[] y = labels(spec, length, t -> (Float) r.getList(r.fieldIndex("arousal")).get(t),
                    t -> (Float) r.getList(r.fieldIndex("valence")).get(t));
            out.add(new Sequence(r.getString(0) + "#" + r.getInt(1), length, inputs, spec.targets().size(), x, y));
        }
        return out;
    }

    private static List<Sequence> devel(SparkSession spark, TrialSpec spec, String base, Map<String, Integer> widths,
                                        int inputs) {
        List<Sequence> out = videos(spark, spec, base, widths, inputs, "devel");
        if (out.isEmpty()) {
            throw new InputDataException(spec.data() + " has no devel videos to select models on");
        }
        return out;
    }

    /** Whole videos of one partition, in video order, for selection or for predictions. */
    static List<Sequence> videos(SparkSession spark, TrialSpec spec, String base, Map<String, Integer> widths,
                                 int inputs, String partition) {
        Dataset<Row> joined = spark.read().parquet(base + PreparedTables.LABELS).where("partition = '" + partition + "'")
                .select("video", "frame", "arousal", "valence");
        for (int i = 0; i < spec.featureSets().size(); i++) {
            Dataset<Row> f = spark.read().parquet(base + PreparedTables.FEATURES + "/" + table(spec.featureSets().get(i)))
                    .where("partition = '" + partition + "'").selectExpr("video", "frame", "values AS f" + i);
            joined = joined.join(f, scala.collection.JavaConverters.asScalaBuffer(List.of("video", "frame")).toSeq());
        }
        Map<String, List<Row>> byVideo = new LinkedHashMap<>();
        for (Row r : joined.orderBy("video", "frame").collectAsList()) {
            byVideo.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
        }
        List<Sequence> out = new ArrayList<>();
        byVideo.forEach((video, rows) -> {
            int n = rows.size();
            float[] x = new float[n * inputs];
            for (int t = 0; t < n; t++) {
                int offset = 0;
                for (int i = 0; i < spec.featureSets().size(); i++) {
                    int d = widths.get(spec.featureSets().get(i));
                    List<Float> values = rows.get(t).getList(rows.get(t).fieldIndex("f" + i));
                    for (int c = 0; c < d; c++) {
                        x[t * inputs + offset + c] = values.get(c);
                    }
                    offset += d;
                }
            }
            float[] y = labels(spec, n, t -> nullable(rows.get(t), "arousal"), t -> nullable(rows.get(t), "valence"));
            out.add(new Sequence(video, n, inputs, spec.targets().size(), x, y));
        });
        return out;
    }

    private static Float nullable(Row r, String column) {
        int i = r.fieldIndex(column);
        return r.isNullAt(i) ? Float.NaN : r.getFloat(i);
    }

    private static float[] labels(TrialSpec spec, int frames, java.util.function.IntFunction<Float> arousal,
                                  java.util.function.IntFunction<Float> valence) {
        int k = spec.targets().size();
        float[] y = new float[frames * k];
        for (int t = 0; t < frames; t++) {
            for (int c = 0; c < k; c++) {
                Float v = spec.targets().get(c).equals("arousal") ? arousal.apply(t) : valence.apply(t);
                y[t * k + c] = v == null ? Float.NaN : v;
            }
        }
        return y;
    }
}
