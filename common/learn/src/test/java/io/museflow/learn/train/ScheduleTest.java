package io.museflow.learn.train;

import io.museflow.learn.model.LossKind;
import io.museflow.learn.model.NetworkOptions;
import io.museflow.learn.model.StackedRnnModel;
import io.museflow.learn.model.StackedRnnSpec;
import io.museflow.learn.rnn.CellType;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The papers' schedule: learning-rate halving and its floor, early stopping, best-epoch restore, dropout as a drop rate. */
class ScheduleTest {

    @Test
    void theRateHalvesAfterPatienceEpochsWithoutImprovementAndStopsAtTheFloor() {
        LearningRateSchedule s = new LearningRateSchedule(0.008, 3, 0.0015);
        assertEquals(0.008, s.observe(1.0));
        assertEquals(0.008, s.observe(0.9));
        assertEquals(0.008, s.observe(0.95)); // 1 without improvement
        assertEquals(0.008, s.observe(0.9)); // equal is no improvement: 2
        assertEquals(0.004, s.observe(0.91)); // 3: halved, count restarts
        assertEquals(0.004, s.observe(0.92));
        assertEquals(0.004, s.observe(0.85)); // new best resets the count
        assertEquals(0.004, s.observe(0.86));
        assertEquals(0.004, s.observe(0.86));
        assertEquals(0.002, s.observe(0.86));
        for (int i = 0; i < 2; i++) {
            assertEquals(0.002, s.observe(0.9));
        }
        assertEquals(0.0015, s.observe(0.9), "halving stops at the floor");
        for (int i = 0; i < 9; i++) {
            assertEquals(0.0015, s.observe(0.9));
        }
    }

    @Test
    void earlyStoppingRemembersTheBestEpochAndStopsAfterPatience() {
        EarlyStopping e = new EarlyStopping(2);
        assertTrue(e.observe(1, 0.3));
        assertTrue(e.observe(2, 0.5));
        assertTrue(!e.observe(3, 0.4) && !e.shouldStop());
        assertTrue(!e.observe(4, 0.5) && e.shouldStop(), "equal is not better");
        assertEquals(2, e.bestEpoch());
    }

    private static MultiLayerNetwork net(long seed) {
        return StackedRnnModel.build(new StackedRnnSpec(3, 1, 1, CellType.GRU, true, 8, 0.0, LossKind.CCC), seed, 0.05,
                DataType.FLOAT);
    }

    /**
     * With a patience of 1 on devel CCC, the rate of every epoch is half the previous one exactly
     * when the previous epoch brought no better devel CCC (and the floor was not reached); the
     * training loss plays no part. A high starting rate makes both cases happen.
     */
    @Test
    void theTrainerHalvesOnTheWatchedValueAndKeepsTheFloor() {
        for (Plateau plateau : Plateau.values()) {
            List<Trainer.Epoch> seen = new ArrayList<>();
            TrainConfig cfg = new TrainConfig(14, 0.05, 8, 1, 0.05 / 8, 100, 3, plateau, TrainConfig.DEFAULT_MICRO_BATCH);
            Trainer.fit(net(4), TrainerTest.set("w", 16, 40, 1), TrainerTest.set("d", 2, 120, 2), cfg, seen::add);
            double bestWatched = Double.POSITIVE_INFINITY;
            int halvings = 0;
            for (int i = 1; i < seen.size(); i++) {
                Trainer.Epoch prev = seen.get(i - 1);
                double watched = plateau == Plateau.TRAIN_LOSS ? prev.trainLoss() : 1 - prev.develCcc()[0];
                boolean improved = watched < bestWatched;
                bestWatched = Math.min(bestWatched, watched);
                double expected = improved || prev.learningRate() <= cfg.minLr() ? prev.learningRate()
                        : Math.max(cfg.minLr(), prev.learningRate() / 2);
                assertEquals(expected, seen.get(i).learningRate(), 1e-12, plateau + " epoch " + (i + 1));
                halvings += expected < prev.learningRate() ? 1 : 0;
            }
            assertTrue(halvings >= 2, plateau + ": the run must exercise halving, got " + halvings);
            assertTrue(seen.stream().allMatch(e -> e.learningRate() >= cfg.minLr()), plateau + ": never below the floor");
        }
    }

    /** Training stops {@code stopPatience} epochs after the best, and the network returned is the best epoch's. */
    @Test
    void earlyStopAndBestEpochRestore() {
        List<Trainer.Epoch> seen = new ArrayList<>();
        List<Sequence> devel = TrainerTest.set("d", 2, 120, 2);
        MultiLayerNetwork net = net(5);
        Trainer.Result r = Trainer.fit(net, TrainerTest.set("w", 16, 40, 1), devel,
                new TrainConfig(200, 0.05, 8, 100, 1e-5, 3, 3, Plateau.TRAIN_LOSS, TrainConfig.DEFAULT_MICRO_BATCH), seen::add);
        assertTrue(r.epochsRun() < 200, "stopped early");
        assertEquals(r.bestEpoch() + 3, r.epochsRun());
        double best = seen.stream().mapToDouble(e -> e.develCcc()[0]).max().orElseThrow();
        assertEquals(best, seen.get(r.bestEpoch() - 1).develCcc()[0]);
        double last = seen.get(seen.size() - 1).develCcc()[0];
        assertTrue(last < best, "the last epoch is worse than the best");
        assertEquals(best, Trainer.evaluate(net, devel)[0], 1e-6, "the best epoch's weights are restored");
    }

    /** {@code dropout} is a drop rate: 0.8 zeroes about 80 % of a layer's inputs in training (DL4J takes the keep rate). */
    @Test
    void dropoutIsADropRate() {
        for (NetworkOptions options : List.of(NetworkOptions.ORIGINAL, NetworkOptions.REFERENCE)) {
            MultiLayerNetwork net = StackedRnnModel.build(new StackedRnnSpec(3, 1, 1, CellType.GRU, true, 8, 0.8,
                    LossKind.CCC, options), 1, 0.01, DataType.FLOAT);
            int layers = net.getnLayers();
            for (int i = 0; i < layers; i++) {
                IDropout dropout = net.getLayer(i).conf().getLayer().getIDropout();
                boolean expected = i == 0 || (options.head() > 0 && i == layers - 1); // recurrent input, head output
                assertEquals(expected, dropout != null, options + " layer " + i);
                if (dropout != null) {
                    INDArray ones = Nd4j.ones(DataType.FLOAT, 100, 200);
                    INDArray out = dropout.applyDropout(ones, Nd4j.createUninitialized(DataType.FLOAT, 100, 200), 0, 0,
                            LayerWorkspaceMgr.noWorkspaces());
                    double dropped = out.eq(0).castTo(DataType.FLOAT).meanNumber().doubleValue();
                    assertEquals(0.8, dropped, 0.01, options + " layer " + i);
                }
            }
        }
    }
}
