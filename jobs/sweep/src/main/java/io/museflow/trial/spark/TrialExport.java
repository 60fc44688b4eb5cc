package io.museflow.trial.spark;

import io.museflow.data.Target;
import io.museflow.store.AtomicFiles;
import org.apache.hadoop.conf.Configuration;
import io.museflow.job.CodeVersion;
import io.museflow.job.Console;
import io.museflow.job.Jobs;
import io.museflow.prepared.PreparedData;
import io.museflow.trial.TrialData;
import io.museflow.config.ConfigError;
import io.museflow.data.InputDataException;
import io.museflow.learn.TrialSpec;
import io.museflow.learn.model.TrialModel;
import io.museflow.learn.train.Sequence;
import io.museflow.learn.train.TrainConfig;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code spark-submit --class io.museflow.trial.spark.TrialExport jobs/sweep.jar --to DIR [--config FILE] [key=value …]}:
 * writes the arrays one trial ({@code museflow.trial}) trains and selects on, built by the code path a
 * trial uses ({@link TrialData}), as NumPy files for a twin in another framework (bench/torch_trial.py):
 * <ul>
 *   <li>{@code train_x.npy} float32 [windows, T, inputs] (zero padded), {@code train_y.npy} float32
 *       [windows, T, targets] (NaN where padded or unlabelled), {@code train_len.npy} int32 [windows];</li>
 *   <li>{@code devel_x.npy} float32 [frames, inputs] and {@code devel_y.npy} [frames, targets]: the devel
 *       videos whole, one after another, {@code devel_len.npy} int32 [videos];</li>
 *   <li>{@code trial.json}: the network and schedule settings, the data fingerprint, the code version.</li>
 * </ul>
 * DIR is a local folder, written under a temporary name and then moved into place.
 */
public final class TrialExport {
    private TrialExport() {
    }

    public static void main(String[] args) throws Exception {
        Jobs.main("export", """
                usage: spark-submit --class io.museflow.trial.spark.TrialExport jobs/sweep.jar --to DIR [--config FILE] [key=value ...]
                  Writes the train windows and devel videos of one trial (keys of museflow.trial) as .npy
                  files and its settings as trial.json into the local folder DIR.""", args, a -> {
            int at = a.indexOf("--to");
            if (at < 0 || at + 1 >= a.size()) {
                throw new ConfigError("--to DIR: the folder the arrays go to is missing");
            }
            Path to = Path.of(a.get(at + 1));
            List<String> rest = new ArrayList<>(a);
            rest.subList(at, at + 2).clear();
            TrialSpec spec = TrialSpec.load(rest);
            return spark -> run(spark, spec, to);
        });
    }

    static void run(SparkSession spark, TrialSpec spec, Path to) throws IOException {
        Console log = new Console("export");
        PreparedData prepared = PreparedData.open(spec.data(), spark.sparkContext().hadoopConfiguration());
        TrialData data = TrialData.load(prepared, spec, log::info);
        write(spec, data, to);
        log.info(String.format("%d train windows and %d devel videos of %d input columns written to %s",
                data.trainWindows().size(), data.devel().size(), data.inputs(), to));
    }

    static void write(TrialSpec spec, TrialData data, Path to) throws IOException {
        Path target = to.toAbsolutePath();
        if (Files.exists(target) && !Files.exists(target.resolve("trial.json"))) {
            throw new InputDataException(target + " exists and is not a trial export; refusing to replace it");
        }
        // A local folder: the export is read by the PyTorch twin on this machine.
        AtomicFiles.commitReplacing(new org.apache.hadoop.fs.Path("file", null, target.toString()), new Configuration(),
                hadoopTmp -> {
            Path tmp = Path.of(hadoopTmp.toUri());
            Files.createDirectories(tmp);
            List<Sequence> windows = data.trainWindows();
            int steps = windows.stream().mapToInt(Sequence::frames).max().orElseThrow();
            int d = data.inputs();
            int k = spec.targets().size();
            float[] x = new float[windows.size() * steps * d];
            float[] y = new float[windows.size() * steps * k];
            Arrays.fill(y, Float.NaN);
            int[] lengths = new int[windows.size()];
            for (int w = 0; w < windows.size(); w++) {
                Sequence s = windows.get(w);
                System.arraycopy(s.features(), 0, x, w * steps * d, s.features().length);
                System.arraycopy(s.labels(), 0, y, w * steps * k, s.labels().length);
                lengths[w] = s.frames();
            }
            NpyFiles.writeFloats(tmp.resolve("train_x.npy"), x, windows.size(), steps, d);
            NpyFiles.writeFloats(tmp.resolve("train_y.npy"), y, windows.size(), steps, k);
            NpyFiles.writeInts(tmp.resolve("train_len.npy"), lengths, windows.size());
            List<Sequence> devel = data.devel();
            int frames = devel.stream().mapToInt(Sequence::frames).sum();
            float[] dx = new float[frames * d];
            float[] dy = new float[frames * k];
            int[] dLengths = new int[devel.size()];
            int at = 0;
            for (int v = 0; v < devel.size(); v++) {
                Sequence s = devel.get(v);
                System.arraycopy(s.features(), 0, dx, at * d, s.features().length);
                System.arraycopy(s.labels(), 0, dy, at * k, s.labels().length);
                dLengths[v] = s.frames();
                at += s.frames();
            }
            NpyFiles.writeFloats(tmp.resolve("devel_x.npy"), dx, frames, d);
            NpyFiles.writeFloats(tmp.resolve("devel_y.npy"), dy, frames, k);
            NpyFiles.writeInts(tmp.resolve("devel_len.npy"), dLengths, devel.size());
            AtomicFiles.JSON.writeValue(tmp.resolve("trial.json").toFile(), settings(spec, data));
        });
    }

    /** What a twin needs to build the trial's network and run its schedule, in the trial's own words. */
    private static Map<String, Object> settings(TrialSpec spec, TrialData data) {
        TrainConfig t = spec.training();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inputs", data.inputs());
        m.put("targets", spec.targets().stream().map(Target::key).toList());
        m.put("feature_sets", spec.featureSets());
        m.put("model", spec.kind().key());
        if (spec.model() instanceof TrialModel.Sun sun) {
            m.put("width", sun.width());
            m.put("heads", sun.heads());
            m.put("attention_layers", sun.attentionLayers());
            m.put("lstm_layers", sun.lstmLayers());
        }
        // The stacked body: the model of a stacked trial, the auto-encoders' body of any trial.
        m.put("layers", spec.reBody().layers());
        m.put("cell", spec.reBody().cell().name().toLowerCase(Locale.ROOT));
        m.put("bidirectional", spec.reBody().bidirectional());
        m.put("hidden", spec.hidden());
        m.put("dropout", spec.dropout());
        m.put("loss", spec.loss().name().toLowerCase(Locale.ROOT));
        m.put("ccc_reduction", spec.options().cccReduction().name().toLowerCase(Locale.ROOT));
        m.put("head", spec.options().head());
        m.put("projection_bias", spec.options().projectionBias());
        m.put("init", spec.options().init().name().toLowerCase(Locale.ROOT));
        m.put("plateau", t.plateau().name().toLowerCase(Locale.ROOT));
        m.put("learning_rate", t.learningRate());
        m.put("batch_size", t.batchSize());
        m.put("max_epochs", t.maxEpochs());
        m.put("lr_patience", t.lrPatience());
        m.put("min_lr", t.minLr());
        m.put("stop_patience", t.stopPatience());
        m.put("seed", spec.seed());
        m.put("data_fingerprint", data.dataFingerprint());
        m.put("code_version", CodeVersion.get());
        return m;
    }
}
