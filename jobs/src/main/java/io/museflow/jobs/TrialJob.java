package io.museflow.jobs;

import io.museflow.learn.TrialSpec;
import io.museflow.learn.train.Trainer;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import io.museflow.data.InputDataException;
import io.museflow.learn.train.Sequence;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code spark-submit --class io.museflow.jobs.TrialJob jobs/sweep.jar [--config FILE] [key=value …]}:
 * trains one configuration ({@code museflow.trial}) on a prepared data set and prints its devel CCC,
 * for debugging a model before a sweep. Saves the best model and its configuration when
 * {@code output} is set.
 */
public final class TrialJob {
    private TrialJob() {
    }

    public static void main(String[] args) {
        Jobs.main("trial", """
                usage: spark-submit --class io.museflow.jobs.TrialJob jobs/sweep.jar [--config FILE] [key=value ...]
                  Keys are those of museflow.trial in reference.conf (data, feature-sets, targets, model,
                  hidden, heads, loss, learning-rate, batch-size, max-epochs, seed, output, ...).""", args, a -> {
            TrialSpec spec = TrialSpec.load(a);
            return spark -> run(spark, spec);
        });
    }

    static Trainer.Result run(SparkSession spark, TrialSpec spec) throws Exception {
        Console log = new Console("trial");
        TrialData data = TrialData.load(spark, spec);
        log.info(String.format("%s on %s -> %s: %d train windows, %d devel videos, %d input columns", spec.model(),
                spec.featureSets(), spec.targets(), data.train().size(), data.devel().size(), data.inputs()));
        MultiLayerNetwork net = spec.network(data.inputs());
        Trainer.Result r = Trainer.fit(net, data.train(), data.devel(), spec.training(), e -> log.info(String.format(
                "epoch %3d  loss %.4f  lr %.2g  devel CCC %s  (%.1f s)", e.epoch(), e.trainLoss(), e.learningRate(),
                ccc(e.develCcc()), e.seconds())));
        log.info(String.format("best epoch %d of %d: devel CCC %s %s", r.bestEpoch(), r.epochsRun(), spec.targets(),
                ccc(r.bestDevelCcc())));
        if (!spec.output().isBlank()) {
            save(spark, spec, net, data);
            log.info("model, configuration and predictions for every partition saved to " + spec.output());
        }
        return r;
    }

    private static String ccc(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.length() == 0 ? "" : " / ").append(String.format("%.4f", v));
        }
        return sb.toString();
    }

    /**
     * Whole-video predictions for every partition, train included (late fusion trains on them):
     * {@code video, partition, frame, prediction_<target>, label_<target>}.
     */
    private static void writePredictions(SparkSession spark, TrialSpec spec, MultiLayerNetwork net, TrialData data,
                                         String path) {
        List<StructField> fields = new ArrayList<>(List.of(
                DataTypes.createStructField("video", DataTypes.StringType, false),
                DataTypes.createStructField("partition", DataTypes.StringType, false),
                DataTypes.createStructField("frame", DataTypes.IntegerType, false)));
        for (String t : spec.targets()) {
            fields.add(DataTypes.createStructField("prediction_" + t,
                    DataTypes.FloatType, false));
            fields.add(DataTypes.createStructField("label_" + t,
                    DataTypes.FloatType, true));
        }
        List<Row> rows = new ArrayList<>();
        int k = spec.targets().size();
        for (String partition : List.of("train", "devel", "test")) {
            for (Sequence v : TrialData.videos(spark, spec, spec.data() + "/", data.widths(),
                    data.inputs(), partition)) {
                float[] p = Trainer.predict(net, v);
                for (int t = 0; t < v.frames(); t++) {
                    Object[] cells = new Object[3 + 2 * k];
                    cells[0] = v.id();
                    cells[1] = partition;
                    cells[2] = t;
                    for (int c = 0; c < k; c++) {
                        float label = v.labels()[t * k + c];
                        cells[3 + 2 * c] = p[t * k + c];
                        cells[4 + 2 * c] = Float.isNaN(label) ? null : label;
                    }
                    rows.add(RowFactory.create(cells));
                }
            }
        }
        spark.createDataFrame(rows, DataTypes.createStructType(fields)).coalesce(1).write()
                .parquet(path);
    }

    /** Model zip and its configuration, written beside each other under a temporary name, then moved. */
    private static void save(SparkSession spark, TrialSpec spec, MultiLayerNetwork net, TrialData data) throws Exception {
        Path out = new Path(spec.output());
        FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.exists(out) && !fs.exists(new Path(out, "trial.json"))) {
            throw new InputDataException("output " + out + " exists and is not a trial's output; "
                    + "refusing to replace it (choose another " + TrialSpec.SECTION + ".output)");
        }
        Path tmp = new Path(out.getParent(), "." + out.getName() + ".tmp-" + System.nanoTime());
        fs.mkdirs(tmp);
        try {
            try (FSDataOutputStream o = fs.create(new Path(tmp, "model.zip"))) {
                ModelSerializer.writeModel(net, o, true);
            }
            try (FSDataOutputStream o = fs.create(new Path(tmp, "trial.json"))) {
                String provenance = "{\n  \"code_version\": \"" + CodeVersion.get() + "\",\n  \"data_fingerprint\": \""
                        + data.dataFingerprint() + "\",\n  \"trial\": " + spec.rendered() + "\n}\n";
                o.write(provenance.getBytes(StandardCharsets.UTF_8));
            }
            writePredictions(spark, spec, net, data, tmp.toString() + "/predictions");
            if (fs.exists(out)) {
                fs.delete(out, true);
            }
            if (!fs.rename(tmp, out)) {
                throw new java.io.IOException("could not move " + tmp + " to " + out);
            }
        } finally {
            fs.delete(tmp, true);
        }
    }
}
