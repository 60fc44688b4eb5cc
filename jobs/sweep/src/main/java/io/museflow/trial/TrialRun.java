package io.museflow.trial;

import io.museflow.data.Partition;
import io.museflow.data.Target;
import io.museflow.prepared.PreparedData;
import io.museflow.learn.TrialSpec;
import io.museflow.learn.train.Sequence;
import io.museflow.learn.train.Trainer;
import io.museflow.metrics.Scores;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A trained trial: its best model (null for a result that needs none), the training history, scores and whole-video predictions for
 * every partition. Built by {@link #run} for a unimodal or early-fusion trial (read its data from
 * the prepared set, train with the papers' schedule), or by {@link #of} for any network trained on
 * given sequences (late fusion). Shared by the single-trial command and the sweep's tasks.
 */
public record TrialRun(List<Target> targets, Map<Partition, List<Sequence>> videos, Map<String, long[]> timestamps,
                       MultiLayerNetwork net, Trainer.Result result, Map<Partition, Scores[]> scores,
                       Map<Partition, Map<String, float[]>> predictions, String dataFingerprint) {

    /** Scores per target on devel. */
    public Scores[] devel() {
        return scores.get(Partition.DEVEL);
    }

    public static TrialRun run(TrialSpec spec, PreparedData prepared, Consumer<String> log, Consumer<Trainer.Epoch> epochs)
            throws IOException {
        TrialData data = TrialData.load(prepared, spec, log);
        log.accept(String.format("%s on %s -> %s: %d train windows, %d devel videos, %d input columns", spec.model(),
                spec.featureSets(), spec.targets(), data.trainWindows().size(), data.devel().size(), data.inputs()));
        MultiLayerNetwork net = spec.network(data.inputs());
        Trainer.Result result = Trainer.fit(net, data.trainWindows(), data.devel(), spec.training(), epochs);
        return of(spec.targets(), data.videos(), data.timestamps(), net, result, data.dataFingerprint());
    }

    /**
     * Scores (per partition with labels, per target) and predictions of a trained network on whole
     * videos; {@code timestamps} holds every video's label timestamps (ms).
     */
    public static TrialRun of(List<Target> targets, Map<Partition, List<Sequence>> videos, Map<String, long[]> timestamps,
                              MultiLayerNetwork net, Trainer.Result result, String dataFingerprint) {
        return of(targets, videos, timestamps, net, result, dataFingerprint,
                scored(videos, partition -> Trainer.score(net, partition, targets.size())));
    }

    /**
     * A result computed without training (late fusion by the mean of its sources): {@code predictions}
     * (frames × targets, by video id, every partition) are scored like a network's; there is no model
     * (null) and no learning curve.
     */
    public static TrialRun untrained(List<Target> targets, Map<Partition, List<Sequence>> videos,
                                     Map<String, long[]> timestamps, Map<String, float[]> predictions,
                                     String dataFingerprint) {
        Map<Partition, Trainer.Scored> scored = scored(videos, partition -> Trainer.score(predictions, partition,
                targets.size()));
        double[] devel = java.util.Arrays.stream(scored.get(Partition.DEVEL).scores()).mapToDouble(Scores::ccc).toArray();
        return of(targets, videos, timestamps, null, new Trainer.Result(0, 0, devel, List.of()), dataFingerprint, scored);
    }

    private static Map<Partition, Trainer.Scored> scored(Map<Partition, List<Sequence>> videos,
                                                         java.util.function.Function<List<Sequence>, Trainer.Scored> scorer) {
        Map<Partition, Trainer.Scored> out = new LinkedHashMap<>();
        videos.forEach((p, vs) -> out.put(p, scorer.apply(vs)));
        return out;
    }

    private static TrialRun of(List<Target> targets, Map<Partition, List<Sequence>> videos,
                               Map<String, long[]> timestamps, MultiLayerNetwork net, Trainer.Result result,
                               String dataFingerprint, Map<Partition, Trainer.Scored> byPartition) {
        Map<Partition, Scores[]> scores = new LinkedHashMap<>();
        Map<Partition, Map<String, float[]>> predictions = new LinkedHashMap<>();
        for (Map.Entry<Partition, Trainer.Scored> e : byPartition.entrySet()) {
            Trainer.Scored scored = e.getValue();
            predictions.put(e.getKey(), scored.predictions());
            // Unlabelled partitions (test without label files) get predictions only.
            if (java.util.Arrays.stream(scored.scores()).anyMatch(x -> x.frames() > 0)) {
                scores.put(e.getKey(), scored.scores());
            }
        }
        return new TrialRun(List.copyOf(targets), videos, timestamps, net, result, scores, predictions, dataFingerprint);
    }
}
