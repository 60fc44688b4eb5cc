package io.museflow.learn.train;

import io.museflow.metrics.Scores;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains a sequence regressor on windows and selects it on whole devel videos: Adam (configured in
 * the network), the learning rate halved after {@code lrPatience} epochs without a lower mean
 * training loss (never below {@code minLr}), early stop after {@code stopPatience} epochs without a
 * better devel CCC (mean over targets, evaluation CCC over the concatenation of the videos), and the
 * best epoch's weights restored at the end. Batch order is shuffled with the configured seed.
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
        double lr = cfg.learningRate();
        net.setLearningRate(lr);
        double bestLoss = Double.POSITIVE_INFINITY;
        int sinceLoss = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        double[] bestCcc = null;
        int bestEpoch = 0;
        int sinceBest = 0;
        INDArray bestParams = net.params().dup();
        List<Epoch> history = new ArrayList<>();
        int epoch = 0;
        while (epoch < cfg.maxEpochs() && sinceBest < cfg.stopPatience()) {
            epoch++;
            long start = System.nanoTime();
            Collections.shuffle(order, rng);
            double lossSum = 0;
            int batches = 0;
            for (int i = 0; i < order.size(); i += cfg.batchSize()) {
                Batch b = Batch.of(order.subList(i, Math.min(order.size(), i + cfg.batchSize())), type);
                net.fit(b.features(), b.labels(), b.mask(), b.mask());
                double loss = net.score();
                if (Double.isNaN(loss) || Double.isInfinite(loss)) {
                    throw new TrainingDivergedException("loss became " + loss + " in epoch " + epoch);
                }
                lossSum += loss;
                batches++;
            }
            double trainLoss = lossSum / batches;
            if (trainLoss < bestLoss) {
                bestLoss = trainLoss;
                sinceLoss = 0;
            } else if (++sinceLoss >= cfg.lrPatience() && lr > cfg.minLr()) {
                lr = Math.max(cfg.minLr(), lr / 2);
                net.setLearningRate(lr);
                sinceLoss = 0;
            }
            double[] ccc = evaluate(net, devel);
            double score = mean(ccc);
            if (score > bestScore) {
                bestScore = score;
                bestCcc = ccc;
                bestEpoch = epoch;
                bestParams = net.params().dup();
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            Epoch e = new Epoch(epoch, trainLoss, lr, ccc, (System.nanoTime() - start) / 1e9);
            history.add(e);
            progress.accept(e);
        }
        net.setParams(bestParams);
        return new Result(bestEpoch, epoch, bestCcc, List.copyOf(history));
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
        return flat;
    }

    /** Evaluation CCC per target over the concatenation of the sequences. */
    public static double[] evaluate(MultiLayerNetwork net, List<Sequence> videos) {
        int k = videos.get(0).targets();
        Scores.Builder[] builders = new Scores.Builder[k];
        for (int c = 0; c < k; c++) {
            builders[c] = new Scores.Builder();
        }
        for (Sequence v : videos) {
            float[] p = predict(net, v);
            for (int c = 0; c < k; c++) {
                float[] pc = new float[v.frames()];
                for (int t = 0; t < v.frames(); t++) {
                    pc[t] = p[t * k + c];
                }
                builders[c].add(v.id(), pc, v.labelColumn(c), null);
            }
        }
        double[] out = new double[k];
        for (int c = 0; c < k; c++) {
            out[c] = builders[c].build().ccc();
        }
        return out;
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x;
        }
        return s / a.length;
    }
}
