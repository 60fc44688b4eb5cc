package io.museflow.trial.spark;

import io.museflow.job.CodeVersion;
import io.museflow.job.Console;
import io.museflow.job.Jobs;
import io.museflow.prepared.PreparedData;
import io.museflow.results.ResultTables;
import io.museflow.trial.TrialRun;
import io.museflow.data.InputDataException;
import io.museflow.learn.TrialSpec;
import io.museflow.learn.train.Trainer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.museflow.store.AtomicFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;


/**
 * {@code spark-submit --class io.museflow.trial.spark.TrialJob jobs/sweep.jar [--config FILE] [key=value …]}:
 * trains one configuration ({@code museflow.trial}) on a prepared data set and prints its devel CCC,
 * for debugging a model before a sweep. Saves the best model, its configuration, its learning curve
 * and its predictions for every partition when {@code output} is set. Reads the prepared data
 * with the Parquet library, exactly as a sweep task does.
 */
public final class TrialJob {
    private TrialJob() {
    }

    public static void main(String[] args) throws Exception {
        Jobs.main("trial", """
                usage: spark-submit --class io.museflow.trial.spark.TrialJob jobs/sweep.jar [--config FILE] [key=value ...]
                  Keys are those of museflow.trial in reference.conf (data, feature-sets, targets, model,
                  hidden, heads, loss, learning-rate, batch-size, max-epochs, seed, output, ...).""", args, a -> {
            TrialSpec spec = TrialSpec.load(a);
            return spark -> run(spark, spec);
        });
    }

    static Trainer.Result run(SparkSession spark, TrialSpec spec) throws Exception {
        Console log = new Console("trial");
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        PreparedData prepared = PreparedData.open(spec.data(), conf);
        TrialRun run = TrialRun.run(spec, prepared, log::info, e -> log.info(String.format(
                "epoch %3d  loss %.4f  lr %.2g  devel CCC %s  (%.1f s)", e.epoch(), e.trainLoss(), e.learningRate(),
                ccc(e.develCcc()), e.seconds())));
        Trainer.Result r = run.result();
        log.info(String.format("best epoch %d of %d: devel CCC %s %s", r.bestEpoch(), r.epochsRun(), spec.targets(),
                ccc(r.bestDevelCcc())));
        if (!spec.output().isBlank()) {
            save(conf, spec, run);
            log.info("model, configuration, learning curve and predictions for every partition saved to "
                    + spec.output());
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

    /** Model, configuration, learning curve and predictions, written under a temporary name, then moved. */
    private static void save(Configuration conf, TrialSpec spec, TrialRun run) throws Exception {
        Path out = new Path(spec.output());
        FileSystem fs = out.getFileSystem(conf);
        if (fs.exists(out) && !fs.exists(new Path(out, "trial.json"))) {
            throw new InputDataException("output " + out + " exists and is not a trial's output; "
                    + "refusing to replace it (choose another " + TrialSpec.SECTION + ".output)");
        }
        AtomicFiles.commitReplacing(out, conf, tmp -> {
            fs.mkdirs(tmp);
            try (FSDataOutputStream o = fs.create(new Path(tmp, "model.zip"))) {
                ModelSerializer.writeModel(run.net(), o, true);
            }
            ObjectNode provenance = AtomicFiles.JSON.createObjectNode();
            provenance.put("code_version", CodeVersion.get());
            provenance.put("data_fingerprint", run.dataFingerprint());
            provenance.set("trial", AtomicFiles.JSON.readTree(spec.rendered()));
            AtomicFiles.writeJson(new Path(tmp, "trial.json"), provenance, conf);
            ResultTables.writePredictions(new Path(tmp, "predictions.parquet"), conf, "trial", run);
            ResultTables.writeEpochs(new Path(tmp, "epochs.parquet"), conf, "trial", spec.targets(),
                    run.result().history());
        });
    }
}
