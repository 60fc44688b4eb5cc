package io.museflow.learn.train;

import io.museflow.learn.OffHeap;
import io.museflow.metrics.Scores;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains a sequence regressor on windows and selects it on whole devel videos: Adam (configured in
 * the network), the learning rate halved after {@code lrPatience} epochs without a lower mean
 * training loss or a higher devel CCC ({@link Plateau}; never below {@code minLr}:
 * {@link LearningRateSchedule}), early stop after {@code stopPatience} epochs without a better devel
 * CCC (mean over targets, evaluation CCC over the concatenation of the videos: {@link EarlyStopping}),
 * and the best epoch's weights restored at the end. Batch order is shuffled with the configured seed.
 * A minibatch larger than {@link TrainConfig#microBatch()} windows is still one step, computed in
 * parts with the whole minibatch's gradient ({@link MicroBatches}).
 */
public final class Trainer {
    /** One epoch's record (learning curves). */
    public record Epoch(int epoch, double trainLoss, double learningRate, double[] develCcc, double seconds) {
    }

    public record Result(int bestEpoch, int epochsRun, double[] bestDevelCcc, List<Epoch> history) {
        public double bestMeanCcc() {
            double s = 0;
            for (double c : bestDevelCcc) {
                s += c;
            }
            return s / bestDevelCcc.length;
        }
    }

    private Trainer() {
    }

    public static Result fit(MultiLayerNetwork net, List<Sequence> train, List<Sequence> devel, TrainConfig cfg,
                             Consumer<Epoch> progress) {
        if (train.isEmpty() || devel.isEmpty()) {
            throw new IllegalArgumentException("need train windows and devel videos");
        }
        DataType type = net.params().dataType();
        Random rng = new Random(cfg.seed());
        List<Sequence> order = new ArrayList<>(train);
        LearningRateSchedule schedule = new LearningRateSchedule(cfg.learningRate(), cfg.lrPatience(), cfg.minLr());
        EarlyStopping selection = new EarlyStopping(cfg.stopPatience());
        net.setLearningRate(schedule.rate());
        double[] bestCcc = null;
        INDArray bestParams = net.params().dup();
        List<Epoch> history = new ArrayList<>();
        int epoch = 0;
        // A resource that may be null: try-with-resources closes it only when there is one.
        try (MicroBatches micro = Math.min(cfg.batchSize(), order.size()) > cfg.microBatch()
                ? new MicroBatches(net, cfg.microBatch(), cfg.seed()) : null) {
            while (epoch < cfg.maxEpochs() && !selection.shouldStop()) {
                epoch++;
                long start = System.nanoTime();
                double rate = schedule.rate(); // the rate this epoch trained with
                Collections.shuffle(order, rng);
                double lossSum = 0;
                int batches = 0;
                for (int i = 0; i < order.size(); i += cfg.batchSize()) {
                    List<Sequence> batch = order.subList(i, Math.min(order.size(), i + cfg.batchSize()));
                    double loss = micro != null && batch.size() > cfg.microBatch() ? micro.step(batch, type)
                            : wholeStep(net, batch, type);
                    if (Double.isNaN(loss) || Double.isInfinite(loss)) {
                        throw new TrainingDivergedException("loss became " + loss + " in epoch " + epoch);
                    }
                    lossSum += loss;
                    batches++;
                }
                double trainLoss = lossSum / batches;
                // A batch's score is its loss before the update: the epoch's last update can leave the
                // parameters non-finite with every score seen finite (an L1 loss does).
                if (!finite(net.params())) {
                    throw new TrainingDivergedException("parameters became NaN or infinite in epoch " + epoch);
                }
                double[] ccc = evaluate(net, devel);
                double score = mean(ccc);
                if (selection.observe(epoch, score)) {
                    bestCcc = ccc;
                    OffHeap.release(bestParams);
                    bestParams = net.params().dup();
                }
                double next = schedule.observe(cfg.plateau() == Plateau.TRAIN_LOSS ? trainLoss : 1 - score);
                if (next != rate) {
                    net.setLearningRate(next);
                }
                Epoch e = new Epoch(epoch, trainLoss, rate, ccc, (System.nanoTime() - start) / 1e9);
                history.add(e);
                progress.accept(e);
            }
        }
        net.setParams(bestParams); // copies
        OffHeap.release(bestParams);
        return new Result(selection.bestEpoch(), epoch, bestCcc, List.copyOf(history));
    }

    /** One update from the whole minibatch in one pass; returns its loss before the update. */
    static double wholeStep(MultiLayerNetwork net, List<Sequence> batch, DataType type) {
        Batch b = Batch.of(batch, type);
        net.fit(b.features(), b.labels(), b.mask(), b.mask());
        b.release(); // the network still references its last input; its next fit or output replaces it first
        return net.score();
    }

    /** Predictions for one whole sequence, frames × targets (no padding, any length). */
    public static float[] predict(MultiLayerNetwork net, Sequence s) {
        Batch b = Batch.of(List.of(s), net.params().dataType());
        INDArray out = net.output(b.features(), false, b.mask(), b.mask()); // [1, targets, T]
        float[] flat = new float[s.frames() * s.targets()];
        for (int t = 0; t < s.frames(); t++) {
            for (int c = 0; c < s.targets(); c++) {
                flat[t * s.targets() + c] = out.getFloat(0, c, t);
            }
        }
        b.release();
        OffHeap.release(out);
        return flat;
    }

    /** Whole-sequence predictions (frames × targets, by sequence id) and their scores per target. */
    public record Scored(Map<String, float[]> predictions, Scores[] scores) {
    }

    /**
     * Predicts each sequence whole and scores the predictions per target: the evaluation CCC over
     * the concatenation of the sequences, Pearson, RMSE and per-sequence CCC. A target without any
     * labelled frame gets a score over 0 frames (CCC NaN).
     */
    public static Scored score(MultiLayerNetwork net, List<Sequence> videos, int targets) {
        Map<String, float[]> predictions = new LinkedHashMap<>();
        for (Sequence v : videos) {
            predictions.put(v.id(), predict(net, v));
        }
        return score(predictions, videos, targets);
    }

    /** Scores given whole-sequence predictions (frames × targets, by sequence id) against the sequences' labels. */
    public static Scored score(Map<String, float[]> predictions, List<Sequence> videos, int targets) {
        Scores.Builder[] builders = new Scores.Builder[targets];
        for (int c = 0; c < targets; c++) {
            builders[c] = new Scores.Builder();
        }
        for (Sequence v : videos) {
            float[] p = predictions.get(v.id());
            if (p == null || p.length != v.frames() * targets) {
                throw new IllegalArgumentException("sequence " + v.id() + ": " + (p == null ? "no" : p.length / targets)
                        + " predicted frames for " + v.frames());
            }
            for (int c = 0; c < targets; c++) {
                float[] pc = new float[v.frames()];
                for (int t = 0; t < v.frames(); t++) {
                    pc[t] = p[t * targets + c];
                }
                builders[c].add(v.id(), pc, v.labelColumn(c), null);
            }
        }
        Scores[] scores = new Scores[targets];
        for (int c = 0; c < targets; c++) {
            scores[c] = builders[c].build();
        }
        return new Scored(predictions, scores);
    }

    /** Evaluation CCC per target over the concatenation of the sequences. */
    public static double[] evaluate(MultiLayerNetwork net, List<Sequence> videos) {
        Scores[] scores = score(net, videos, videos.get(0).targets()).scores();
        double[] out = new double[scores.length];
        for (int c = 0; c < scores.length; c++) {
            out[c] = scores[c].ccc();
        }
        return out;
    }

    /** Whether every value is finite; the two boolean masks are freed at once (an epoch's check, not the collector's). */
    private static boolean finite(INDArray a) {
        INDArray nan = a.isNaN();
        INDArray infinite = a.isInfinite();
        boolean ok = !nan.any() && !infinite.any();
        OffHeap.release(nan, infinite);
        return ok;
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x;
        }
        return s / a.length;
    }
}
