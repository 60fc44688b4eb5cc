package io.museflow.learn.train;

import io.museflow.learn.model.LossKind;
import io.museflow.learn.model.StackedRnnModel;
import io.museflow.learn.model.StackedRnnSpec;
import io.museflow.learn.model.SunModel;
import io.museflow.learn.model.SunSpec;
import io.museflow.learn.rnn.CellType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    /** Three AR(1) inputs; the target needs the present of one input and the past of another. */
    static Sequence synthetic(String id, int frames, Random rng) {
        float[] x = new float[frames * 3];
        float[] y = new float[frames];
        double[] s = new double[3];
        for (int t = 0; t < frames; t++) {
            for (int c = 0; c < 3; c++) {
                s[c] = 0.9 * s[c] + Math.sqrt(1 - 0.81) * rng.nextGaussian();
                x[t * 3 + c] = (float) s[c];
            }
            double lagged = t >= 4 ? x[(t - 4) * 3 + 1] : 0;
            y[t] = (float) (Math.tanh(1.2 * x[t * 3] - 0.8 * lagged) + 0.05 * rng.nextGaussian());
        }
        return new Sequence(id, frames, 3, 1, x, y);
    }

    static List<Sequence> set(String prefix, int n, int frames, long seed) {
        Random rng = new Random(seed);
        List<Sequence> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(synthetic(prefix + i, frames, rng));
        }
        return out;
    }

    static MultiLayerNetwork small(long seed) {
        return StackedRnnModel.build(new StackedRnnSpec(3, 1, 1, CellType.GRU, true, 12, 0.0, LossKind.CCC), seed, 0.01,
                DataType.FLOAT);
    }

    @Test
    void aBiGruLearnsAndTheBestEpochIsRestored() {
        MultiLayerNetwork net = small(1);
        List<Trainer.Epoch> seen = new ArrayList<>();
        Trainer.Result r = Trainer.fit(net, set("w", 24, 60, 1), set("d", 3, 200, 2),
                new TrainConfig(20, 0.01, 8, 5, 1e-5, 6, 7, Plateau.TRAIN_LOSS, TrainConfig.DEFAULT_MICRO_BATCH), seen::add);
        assertTrue(r.bestMeanCcc() > 0.7, "devel CCC " + r.bestMeanCcc());
        assertEquals(r.epochsRun(), seen.size());
        assertTrue(seen.get(0).develCcc()[0] < r.bestMeanCcc(), "it improved over training");
        assertEquals(r.bestDevelCcc()[0], Trainer.evaluate(net, set("d", 3, 200, 2))[0], 1e-6,
                "the returned network is the best epoch's");
    }

    @Test
    void sameSeedSameWeights() {
        TrainConfig cfg = new TrainConfig(2, 0.01, 8, 5, 1e-5, 15, 3, Plateau.TRAIN_LOSS, TrainConfig.DEFAULT_MICRO_BATCH);
        MultiLayerNetwork a = small(5);
        MultiLayerNetwork b = small(5);
        Trainer.fit(a, set("w", 16, 40, 1), set("d", 2, 80, 2), cfg, e -> { });
        Trainer.fit(b, set("w", 16, 40, 1), set("d", 2, 80, 2), cfg, e -> { });
        assertEquals(a.params(), b.params());
        MultiLayerNetwork c = small(6);
        Trainer.fit(c, set("w", 16, 40, 1), set("d", 2, 80, 2), cfg, e -> { });
        assertFalse(a.params().equals(c.params()));
    }

    @Test
    void predictsAWholeLongVideo() {
        MultiLayerNetwork net = small(2);
        Sequence video = synthetic("long", 6400, new Random(4));
        float[] p = Trainer.predict(net, video);
        assertEquals(6400, p.length);
        for (float v : p) {
            assertFalse(Float.isNaN(v));
        }
    }

    /**
     * A learning rate of 10^6 blows the attention model up: with the CCC loss the loss turns NaN,
     * with L1 every batch's score stays finite and only the parameters show it (the epoch's check).
     * Either way training stops with the reason, not with a model of NaN.
     */
    @ParameterizedTest
    @EnumSource(value = LossKind.class, names = {"CCC", "L1"})
    void aDivergingTrainingStopsWithItsReason(LossKind loss) {
        MultiLayerNetwork net = SunModel.build(new SunSpec(3, 1, 16, 4, 1, 1, 12, 0.0, loss), 1, 1e6, DataType.FLOAT);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Trainer.fit(net,
                set("w", 24, 60, 1), set("d", 3, 200, 2), new TrainConfig(10, 1e6, 4, 5, 1e-5, 15, 3,
                        Plateau.TRAIN_LOSS, TrainConfig.DEFAULT_MICRO_BATCH), ep -> { }));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
}
