package io.museflow.learn.train;

import io.museflow.learn.OffHeap;
import io.museflow.learn.loss.CccReduction;
import io.museflow.learn.model.LossKind;
import io.museflow.learn.model.NetworkOptions;
import io.museflow.learn.model.TrialModel;
import io.museflow.learn.rnn.CellType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A step taken in micro-batches is the whole minibatch's step: same loss, same parameters after it. */
class MicroBatchesTest {
    private static final TrialModel SUN = new TrialModel.Sun(8, 2, 1, 1);
    private static final TrialModel STACKED = new TrialModel.Stacked(2, CellType.GRU, true);

    /**
     * Windows of different lengths (so the micro-batches' own longest differ from the minibatch's)
     * with two targets, some labels NaN (masked annotations).
     */
    static List<Sequence> windows(int n, long seed) {
        Random rng = new Random(seed);
        List<Sequence> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int frames = 12 + rng.nextInt(14);
            float[] x = new float[frames * 3];
            float[] y = new float[frames * 2];
            double level = rng.nextGaussian();
            for (int t = 0; t < frames; t++) {
                for (int c = 0; c < 3; c++) {
                    x[t * 3 + c] = (float) (level * (c + 1) / 3 + rng.nextGaussian());
                }
                y[t * 2] = (float) Math.tanh(x[t * 3] + 0.5 * level);
                y[t * 2 + 1] = t % 5 == 4 ? Float.NaN : (float) (0.5 * x[t * 3 + 1] - 0.3 * level);
            }
            out.add(new Sequence("w" + i, frames, 3, 2, x, y));
        }
        return out;
    }

    static MultiLayerNetwork net(TrialModel body, LossKind loss, CccReduction reduction, double dropout) {
        return body.build(3, 2, 10, dropout, loss, new NetworkOptions(reduction, 6, false,
                io.museflow.learn.layers.InitScheme.TORCH), 5, 0.02);
    }

    static Stream<Arguments> losses() {
        List<Arguments> out = new ArrayList<>();
        for (TrialModel body : List.of(SUN, STACKED)) {
            for (CccReduction r : CccReduction.values()) {
                out.add(Arguments.of(body, LossKind.CCC, r));
            }
            out.add(Arguments.of(body, LossKind.MSE, CccReduction.BATCH));
            out.add(Arguments.of(body, LossKind.L1, CccReduction.BATCH));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("losses")
    void microBatchStepsEqualWholeMinibatchSteps(TrialModel body, LossKind loss, CccReduction reduction) {
        List<Sequence> batch = windows(11, 3);
        MultiLayerNetwork whole = net(body, loss, reduction, 0);
        MultiLayerNetwork micro = net(body, loss, reduction, 0);
        INDArray start = whole.params().dup();
        try (MicroBatches steps = new MicroBatches(micro, 4, 1)) { // parts of 4, 4 and 3 windows
            for (int step = 0; step < 3; step++) { // three Adam updates: the moments and the iteration count too
                double expected = Trainer.wholeStep(whole, batch, DataType.FLOAT);
                double actual = steps.step(batch, DataType.FLOAT);
                assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), "loss before step " + step);
            }
        }
        double moved = whole.params().sub(start).amaxNumber().doubleValue();
        double apart = whole.params().sub(micro.params()).amaxNumber().doubleValue();
        assertTrue(moved > 1e-3, "the steps changed the parameters: " + moved);
        assertTrue(apart < 1e-5 + 1e-4 * moved, "parameters apart by " + apart + " after moving " + moved);
        assertTrue(micro.getListeners().isEmpty(), "close() restores the network's listeners");
        assertEquals(whole.getIterationCount(), micro.getIterationCount(), "one iteration per step");
        OffHeap.release(start);
    }

    @Test
    void theTrainerTakesMicroBatchesOnlyWhereAMinibatchIsLarger() {
        List<Sequence> train = windows(11, 4);
        List<Sequence> devel = windows(3, 5);
        TrainConfig cfg = new TrainConfig(3, 0.02, 11, 5, 1e-5, 15, 2, Plateau.TRAIN_LOSS, 64);
        Trainer.Result a = Trainer.fit(net(SUN, LossKind.CCC, CccReduction.BOTH, 0), train, devel, cfg, e -> { });
        Trainer.Result b = Trainer.fit(net(SUN, LossKind.CCC, CccReduction.BOTH, 0), train, devel,
                cfg.withMicroBatch(5), e -> { });
        for (int e = 0; e < 3; e++) {
            assertEquals(a.history().get(e).trainLoss(), b.history().get(e).trainLoss(), 1e-5);
            assertEquals(a.history().get(e).develCcc()[1], b.history().get(e).develCcc()[1], 1e-4);
        }
    }

    /** What exactness with dropout rests on: a reseeded generator draws the same masks in every layer. */
    @Test
    void dropoutMasksRepeatUnderAReseededGenerator() {
        MultiLayerNetwork net = net(SUN, LossKind.CCC, CccReduction.BOTH, 0.3);
        Batch b = Batch.of(windows(4, 6), DataType.FLOAT);
        Nd4j.getRandom().setSeed(42);
        INDArray first = net.output(b.features(), true, b.mask(), b.mask());
        Nd4j.getRandom().setSeed(42);
        INDArray again = net.output(b.features(), true, b.mask(), b.mask());
        Nd4j.getRandom().setSeed(43);
        INDArray other = net.output(b.features(), true, b.mask(), b.mask());
        assertEquals(0, first.sub(again).amaxNumber().doubleValue(), 0);
        assertFalse(first.equalsWithEps(other, 1e-4), "dropout is active in training mode");
        b.release();
    }
}
