package io.museflow.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.museflow.data.Partition;
import io.museflow.learn.fusion.FusionModel;
import io.museflow.data.Target;
import io.museflow.store.AtomicFiles;
import io.museflow.table.ResultSchema;
import io.museflow.job.CodeVersion;
import io.museflow.prepared.PreparedData;
import io.museflow.results.TrialRow;
import io.museflow.results.SweepLayout;
import io.museflow.trial.TrialData;
import io.museflow.trial.TrialRun;
import io.museflow.data.InputDataException;
import io.museflow.data.Windower;
import io.museflow.learn.fusion.FusionColumn;
import io.museflow.learn.fusion.LateFusion;
import io.museflow.learn.model.LossKind;
import io.museflow.learn.model.ReconstructionError;
import io.museflow.learn.model.StackedRnnModel;
import io.museflow.learn.rnn.CellType;
import io.museflow.learn.TrialSpec;
import io.museflow.learn.train.Sequence;
import io.museflow.learn.train.TrainConfig;
import io.museflow.learn.train.Trainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A late-fusion trial: a second-level model over the whole-video predictions of source trials
 * (read from the sweep's predictions files) for one target, optionally with the reconstruction
 * error of some feature sets; trained on the train partition's predictions, selected on devel.
 *
 * @param sets     the grid's feature-set values the sources were chosen for, in column order
 * @param sources  the trial id chosen for each of {@code sets}
 */
public record FusionUnit(Target target, List<String> sets, List<String> sources, List<String> re, FusionModel model,
                         SweepGrid.Fusion f, long seed, String data, String output, String fingerprint)
        implements SweepTask.Unit {

    public FusionUnit {
        if (model == FusionModel.MEAN && !re.isEmpty()) {
            throw new IllegalArgumentException("the mean of predictions takes no reconstruction error");
        }
    }

    /** Everything that decides what this fusion trains, sources included. */
    private String canonical(boolean withSeed) {
        if (model == FusionModel.MEAN) { // nothing is trained: no seed, no training settings
            return String.join("|", "late=mean", "target=" + target, "sets=" + String.join(",", sets),
                    "sources=" + String.join(",", sources)) + "\n" + fingerprint;
        }
        return String.join("|", "late=" + model, "hidden=" + (model == FusionModel.HAMIEH ? f.hidden() : 0),
                "target=" + target, "sets=" + String.join(",", sets), "sources=" + String.join(",", sources),
                "re=" + String.join(",", re), "lr=" + f.learningRate(), "batch=" + f.batchSize(),
                "epochs=" + f.maxEpochs(), "re-epochs=" + (re.isEmpty() ? 0 : f.reEpochs()),
                withSeed ? "seed=" + seed : "") + "\n" + fingerprint;
    }

    @Override
    public String id() {
        return TrialSpec.hash(canonical(true));
    }

    String inputs() {
        return "late(" + String.join(",", sets) + (re.isEmpty() ? "" : ";re:" + String.join(",", re)) + ")";
    }

    @Override
    public String name() {
        return inputs() + ">" + target + " late-" + model + (model == FusionModel.MEAN ? "" : " seed" + seed);
    }

    @Override
    public List<Target> targets() {
        return List.of(target);
    }

    @Override
    public TrialRow describe() {
        TrialRow r = new TrialRow();
        r.set("trial_id", id());
        r.set("name", name());
        r.set("group_id", TrialSpec.hash(canonical(false)));
        r.set("feature_sets", inputs());
        r.set("targets", target.key());
        r.set("model", "late-" + model);
        ObjectNode config = AtomicFiles.JSON.createObjectNode();
        ObjectNode late = config.putObject("late_fusion");
        late.put("model", model.key());
        if (model != FusionModel.MEAN) {
            r.set("hidden", model == FusionModel.SUN ? LateFusion.SUN_HIDDEN : f.hidden());
            r.set("learning_rate", f.learningRate());
            r.set("batch_size", f.batchSize());
            r.set("loss", "ccc");
            r.set("seed", seed);
            r.set("max_epochs", f.maxEpochs());
        }
        late.put("target", target.key());
        ObjectNode bySet = late.putObject("sources");
        for (int i = 0; i < sets.size(); i++) {
            bySet.put(sets.get(i), sources.get(i));
        }
        if (model != FusionModel.MEAN) {
            re.forEach(late.putArray("re")::add);
            late.put("seed", seed);
            late.put("learning-rate", f.learningRate());
            late.put("batch-size", f.batchSize());
            late.put("max-epochs", f.maxEpochs());
        }
        late.put("data", data);
        r.set("config", config.toString());
        r.set("data_fingerprint", fingerprint);
        r.set("code_version", CodeVersion.get());
        return r;
    }

    @Override
    public TrialRun train(Configuration conf, Consumer<Trainer.Epoch> epochs) throws IOException {
        PreparedData prepared = PreparedData.open(data, conf);
        if (!prepared.fingerprint().equals(fingerprint)) {
            throw new InputDataException(data + " changed since the sweep started");
        }
        Map<Partition, List<PreparedData.Video>> raw = new LinkedHashMap<>();
        Map<String, float[]> labels = new LinkedHashMap<>();
        for (Partition p : TrialData.PARTITIONS) {
            raw.put(p, prepared.videos(p, re));
            raw.get(p).forEach(v -> labels.put(v.id(), target == Target.AROUSAL ? v.arousal() : v.valence()));
        }
        List<FusionColumn> columns = new ArrayList<>();
        for (String source : sources) {
            columns.add(new FusionColumn(source, predictions(SweepLayout.predictionsFile(output, source), conf, labels)));
        }
        if (model == FusionModel.MEAN) {
            Map<Partition, List<Sequence>> videos = new LinkedHashMap<>();
            Map<String, float[]> mean = new LinkedHashMap<>();
            raw.forEach((p, vs) -> {
                List<String> ids = vs.stream().map(PreparedData.Video::id).toList();
                videos.put(p, LateFusion.videos(ids, columns, labels, 1));
                ids.forEach(id -> mean.put(id, LateFusion.mean(columns, id)));
            });
            return TrialRun.untrained(List.of(target), videos, TrialData.timestamps(raw), mean, fingerprint);
        }
        Windower windower = new Windower(prepared.windowSize(), prepared.windowHop());
        for (String set : re) {
            int d = prepared.width(set);
            MultiLayerNetwork ae = ReconstructionError.autoEncoder(d, 1, CellType.GRU, true, 32, seed, 0.005);
            columns.add(new FusionColumn("re:" + set, TrialData.reconstructionErrors(ae,
                    TrainConfig.papers(0.005, 32, seed).withMaxEpochs(f.reEpochs()), set, d, raw, windower)));
        }
        Map<Partition, List<Sequence>> videos = new LinkedHashMap<>();
        raw.forEach((p, vs) -> videos.put(p, LateFusion.videos(vs.stream().map(PreparedData.Video::id).toList(),
                columns, labels, 1)));
        MultiLayerNetwork net = StackedRnnModel.build(model == FusionModel.SUN
                        ? LateFusion.sun(columns.size(), 1, LossKind.CCC)
                        : LateFusion.hamieh(columns.size(), 1, f.hidden(), LossKind.CCC), seed, f.learningRate(),
                DataType.FLOAT);
        Trainer.Result result = Trainer.fit(net, Sequence.windows(videos.get(Partition.TRAIN), windower), videos.get(Partition.DEVEL),
                TrainConfig.papers(f.learningRate(), f.batchSize(), seed).withMaxEpochs(f.maxEpochs()), epochs);
        return TrialRun.of(List.of(target), videos, TrialData.timestamps(raw), net, result, fingerprint);
    }

    /** A source trial's predictions for {@link #target}, per video, frame by frame. */
    private Map<String, float[]> predictions(Path file, Configuration conf, Map<String, float[]> labels)
            throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        if (!file.getFileSystem(conf).exists(file)) {
            throw new InputDataException("late fusion: source trial predictions " + file + " are missing");
        }
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
                if (!g.getString(ResultSchema.TARGET, 0).equals(target.key())) {
                    continue;
                }
                String video = g.getString(ResultSchema.VIDEO, 0);
                float[] y = labels.get(video);
                if (y == null) {
                    throw new InputDataException(file + ": video " + video + " is not in the prepared data set");
                }
                out.computeIfAbsent(video, k -> new float[y.length])[g.getInteger(ResultSchema.FRAME, 0)] =
                        g.getFloat(ResultSchema.PREDICTION, 0);
            }
        }
        return out;
    }
}
