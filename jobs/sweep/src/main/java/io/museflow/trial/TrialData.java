package io.museflow.trial;

import io.museflow.data.Partition;
import io.museflow.data.Target;
import io.museflow.prepared.PreparedData;
import io.museflow.data.InputDataException;
import io.museflow.data.Windower;
import io.museflow.learn.TrialSpec;
import io.museflow.learn.model.ReconstructionError;
import io.museflow.learn.train.Sequence;
import io.museflow.learn.train.Trainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The sequences one trial trains, selects and predicts on, built from a prepared data set without
 * Spark: whole videos of every partition with the trial's input columns (feature sets concatenated
 * frame by frame: early fusion; then one reconstruction-error column per {@code re:<set>}; then the
 * segment id if asked), and the train videos cut into the data set's windows.
 */
public record TrialData(int inputs, List<Sequence> trainWindows, Map<Partition, List<Sequence>> videos,
                        Map<String, long[]> timestamps, String dataFingerprint) {
    /** The partitions a trial reads, in the order it reports them. */
    public static final List<Partition> PARTITIONS = List.of(Partition.TRAIN, Partition.DEVEL, Partition.TEST);

    public List<Sequence> devel() {
        return videos.get(Partition.DEVEL);
    }

    public static TrialData load(PreparedData data, TrialSpec spec, Consumer<String> log) throws IOException {
        List<String> read = spec.setsRead();
        read.forEach(data::width); // unknown sets fail here, naming the data set's sets
        Map<Partition, List<PreparedData.Video>> raw = new LinkedHashMap<>();
        for (Partition p : PARTITIONS) {
            raw.put(p, data.videos(p, read));
        }
        if (raw.get(Partition.TRAIN).isEmpty() || raw.get(Partition.DEVEL).isEmpty()) {
            throw new InputDataException(data.root() + " needs train and devel videos (has "
                    + raw.get(Partition.TRAIN).size() + " train, " + raw.get(Partition.DEVEL).size() + " devel)");
        }
        Windower windower = new Windower(data.windowSize(), data.windowHop());
        Map<String, Map<String, float[]>> re = new LinkedHashMap<>(); // token -> video -> per-frame RE
        for (String token : spec.featureSets()) {
            if (token.startsWith(TrialSpec.RE)) {
                String set = token.substring(TrialSpec.RE.length());
                log.accept("training the auto-encoder of " + set + " for " + token);
                re.put(token, reconstructionErrors(spec.autoEncoder(data.width(set)), spec.autoEncoderTraining(), set,
                        data.width(set), raw, windower));
            }
        }
        int inputs = spec.plainSets().stream().mapToInt(data::width).sum() + re.size() + (spec.segmentId() ? 1 : 0);
        Map<Partition, List<Sequence>> videos = new LinkedHashMap<>();
        raw.forEach((p, vs) -> videos.put(p, vs.stream().map(v -> sequence(spec, v, inputs, data, re)).toList()));
        return new TrialData(inputs, Sequence.windows(videos.get(Partition.TRAIN), windower), videos, timestamps(raw),
                data.fingerprint());
    }

    /** Each video's label timestamps (ms), by video id: the timeline predictions are reported on. */
    public static Map<String, long[]> timestamps(Map<Partition, List<PreparedData.Video>> raw) {
        Map<String, long[]> out = new LinkedHashMap<>();
        raw.values().forEach(vs -> vs.forEach(v -> out.put(v.id(), v.timestampsMs())));
        return out;
    }

    private static Sequence sequence(TrialSpec spec, PreparedData.Video v, int inputs, PreparedData data,
                                     Map<String, Map<String, float[]>> re) {
        int n = v.frames();
        float[] x = new float[n * inputs];
        int offset = 0;
        for (String token : spec.featureSets()) {
            if (token.startsWith(TrialSpec.RE)) {
                float[] r = re.get(token).get(v.id());
                for (int t = 0; t < n; t++) {
                    x[t * inputs + offset] = r[t];
                }
                offset++;
            } else {
                int d = data.width(token);
                float[] values = v.sets().get(token);
                for (int t = 0; t < n; t++) {
                    System.arraycopy(values, t * d, x, t * inputs + offset, d);
                }
                offset += d;
            }
        }
        if (spec.segmentId()) {
            for (int t = 0; t < n; t++) {
                x[t * inputs + offset] = v.segmentIds()[t];
            }
        }
        int k = spec.targets().size();
        float[] y = new float[n * k];
        for (int c = 0; c < k; c++) {
            float[] label = spec.targets().get(c) == Target.AROUSAL ? v.arousal() : v.valence();
            for (int t = 0; t < n; t++) {
                y[t * k + c] = label[t];
            }
        }
        return new Sequence(v.id(), n, inputs, k, x, y);
    }

    /** One set's auto-encoder, trained on the train windows and selected on devel; its RE for every video (closes it). */
    public static Map<String, float[]> reconstructionErrors(MultiLayerNetwork ae, io.museflow.learn.train.TrainConfig training,
                                                     String set, int d, Map<Partition, List<PreparedData.Video>> raw,
                                                     Windower windower) {
        Map<Partition, List<Sequence>> own = new LinkedHashMap<>();
        raw.forEach((p, vs) -> own.put(p, vs.stream()
                .map(v -> new Sequence(v.id(), v.frames(), d, d, v.sets().get(set), v.sets().get(set))).toList()));
        Trainer.fit(ae, Sequence.windows(own.get(Partition.TRAIN), windower), own.get(Partition.DEVEL), training, e -> { });
        Map<String, float[]> out = new LinkedHashMap<>();
        own.values().forEach(vs -> vs.forEach(s -> out.put(s.id(), ReconstructionError.of(ae, s))));
        ae.close(); // its native buffers go now, not whenever the collector finds the network dead
        return out;
    }
}
