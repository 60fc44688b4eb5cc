package io.museflow.learn.model;

import io.museflow.learn.rnn.CellType;
import io.museflow.learn.train.Sequence;
import io.museflow.learn.train.Trainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;

/**
 * Hamieh et al.'s "difficulty indicator": a sequence auto-encoder per feature set (the stacked
 * regressor's body, reconstructing its own input under MSE), whose per-frame reconstruction error
 * RE = mean over columns of (x − x̂)² becomes an extra input column of the unimodal regressor and
 * an input of late fusion.
 */
public final class ReconstructionError {
    private ReconstructionError() {
    }

    /** The auto-encoder for {@code width} feature columns. */
    public static MultiLayerNetwork autoEncoder(int width, int layers, CellType cell, boolean bidirectional, int hidden,
                                                long seed, double learningRate) {
        return StackedRnnModel.build(new StackedRnnSpec(width, width, layers, cell, bidirectional, hidden, 0.0,
                LossKind.MSE), seed, learningRate, DataType.FLOAT);
    }

    /** The same sequences with their features as labels: the auto-encoder's training data. */
    public static List<Sequence> reconstructionTargets(List<Sequence> sequences) {
        List<Sequence> out = new ArrayList<>(sequences.size());
        for (Sequence s : sequences) {
            out.add(new Sequence(s.id(), s.frames(), s.inputs(), s.inputs(), s.features(), s.features()));
        }
        return out;
    }

    /** Per-frame mean squared reconstruction error of one sequence. */
    public static float[] of(MultiLayerNetwork autoEncoder, Sequence s) {
        Sequence target = new Sequence(s.id(), s.frames(), s.inputs(), s.inputs(), s.features(), s.features());
        float[] reconstruction = Trainer.predict(autoEncoder, target);
        float[] re = new float[s.frames()];
        int d = s.inputs();
        for (int t = 0; t < s.frames(); t++) {
            double sum = 0;
            for (int c = 0; c < d; c++) {
                double e = s.features()[t * d + c] - reconstruction[t * d + c];
                sum += e * e;
            }
            re[t] = (float) (sum / d);
        }
        return re;
    }

    /** The sequences with their RE appended as the last input column. */
    public static List<Sequence> appended(MultiLayerNetwork autoEncoder, List<Sequence> sequences) {
        List<Sequence> out = new ArrayList<>(sequences.size());
        for (Sequence s : sequences) {
            float[] re = of(autoEncoder, s);
            int d = s.inputs();
            float[] x = new float[s.frames() * (d + 1)];
            for (int t = 0; t < s.frames(); t++) {
                System.arraycopy(s.features(), t * d, x, t * (d + 1), d);
                x[t * (d + 1) + d] = re[t];
            }
            out.add(new Sequence(s.id(), s.frames(), d + 1, s.targets(), x, s.labels()));
        }
        return out;
    }
}
