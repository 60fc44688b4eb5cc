package io.museflow.learn.model;

import io.museflow.learn.GradientChecks;
import io.museflow.learn.layers.InitScheme;
import io.museflow.learn.loss.CccReduction;
import io.museflow.learn.rnn.CellType;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.io.File;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every full model, with the original and the reference-code options: gradient check with padded masks, and save/load. */
class ModelsTest {
    static final int MB = 3;
    static final int T = 5;

    static INDArray mask() {
        INDArray m = Nd4j.ones(DataType.DOUBLE, MB, T);
        for (int t = 3; t < T; t++) {
            m.putScalar(1, t, 0.0);
        }
        for (int t = 1; t < T; t++) {
            m.putScalar(2, t, 0.0);
        }
        return m;
    }

    static Map<String, MultiLayerNetwork> models() {
        NoOp noOp = new NoOp();
        return Map.of(
                "sun attention+BiLSTM", SunModel.build(new SunSpec(3, 2, 4, 2, 1, 1, 3, 0.0, LossKind.CCC), 1, noOp, DataType.DOUBLE),
                "sun two BiLSTM", SunModel.build(new SunSpec(3, 2, 4, 2, 0, 2, 3, 0.0, LossKind.CCC), 1, noOp, DataType.DOUBLE),
                "sun two attention", SunModel.build(new SunSpec(3, 2, 4, 2, 2, 0, 3, 0.0, LossKind.MSE), 1, noOp, DataType.DOUBLE),
                "hamieh 2 x BiGRU", StackedRnnModel.build(new StackedRnnSpec(3, 2, 2, CellType.GRU, true, 3, 0.0, LossKind.CCC), 1, noOp, DataType.DOUBLE),
                // Sun et al.'s public code: CCC per window, ReLU head, bias-free projection, PyTorch init
                "sun as the reference code", SunModel.build(new SunSpec(3, 2, 4, 2, 1, 1, 3, 0.0, LossKind.CCC,
                        new NetworkOptions(CccReduction.SEQUENCE, 5, false, InitScheme.TORCH)), 1, noOp, DataType.DOUBLE),
                "hamieh 1 x BiLSTM with a head", StackedRnnModel.build(new StackedRnnSpec(3, 2, 1, CellType.LSTM, true, 3,
                        0.0, LossKind.CCC, new NetworkOptions(CccReduction.SEQUENCE, 4, true, InitScheme.TORCH)), 1, noOp,
                        DataType.DOUBLE));
    }

    /*
     * On the attention models DL4J reports "largest relative error = 1.0" yet passes: the key bias
     * has an exactly zero gradient (adding q·b_k to every score of a softmax row changes nothing),
     * so analytic 0 meets numeric noise of ~1e-12, accepted by the absolute tolerance.
     */
    @Test
    void everyModelPassesAGradientCheckWithPaddedMasks() {
        GradientChecks.inDoublePrecision(() -> models().forEach((name, net) -> {
            Nd4j.getRandom().setSeed(9);
            INDArray x = Nd4j.rand(DataType.DOUBLE, MB, 3, T).subi(0.5);
            INDArray y = Nd4j.rand(DataType.DOUBLE, MB, 2, T).subi(0.5);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                    .input(x).labels(y).inputMask(mask()).labelMask(mask())
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
            assertTrue(ok, name);
        }));
    }

    /**
     * A window's predictions do not depend on the other windows of its minibatch or on how far
     * they are padded: each sequence of a padded minibatch predicts what it predicts alone. (A
     * gradient check cannot see a mask applied to the wrong frames: DL4J's TimeDistributed did that,
     * see FrameTimeDistributed.)
     */
    @Test
    void everySequencePredictsInAPaddedMinibatchWhatItPredictsAlone() {
        models().forEach((name, net) -> {
            Nd4j.getRandom().setSeed(4);
            INDArray x = Nd4j.rand(DataType.DOUBLE, MB, 3, T).subi(0.5);
            INDArray m = mask();
            for (boolean training : new boolean[]{false, true}) {
                INDArray all = net.output(x, training, m, m).dup();
                for (int b = 0; b < MB; b++) {
                    int frames = m.getRow(b).sumNumber().intValue();
                    INDArray alone = net.output(x.get(point(b), all(), interval(0, frames)).reshape(1, 3, frames),
                            training, Nd4j.ones(DataType.DOUBLE, 1, frames), Nd4j.ones(DataType.DOUBLE, 1, frames));
                    INDArray inBatch = all.get(point(b), all(), interval(0, frames)).reshape(1, 2, frames);
                    assertTrue(alone.equalsWithEps(inBatch, 1e-10), name + ", sequence " + b + ", training " + training
                            + ": alone " + alone + " in the minibatch " + inBatch);
                }
            }
        });
    }

    @Test
    void everyModelSavesAndLoads(@TempDir File dir) throws Exception {
        for (Map.Entry<String, MultiLayerNetwork> e : models().entrySet()) {
            MultiLayerNetwork net = e.getValue();
            assertEquals(net.getLayerWiseConfigurations(),
                    MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson()), e.getKey());
            File f = new File(dir, e.getKey().replace(' ', '_') + ".zip");
            ModelSerializer.writeModel(net, f, true);
            MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f);
            INDArray x = Nd4j.rand(DataType.DOUBLE, MB, 3, T);
            assertEquals(net.output(x, false, mask(), mask()), back.output(x, false, mask(), mask()), e.getKey());
        }
    }

    /** The reference options change the network as they say: no projection bias, a head of ReLU units, PyTorch's ranges. */
    @Test
    void referenceOptionsBuildTheReferenceNetwork() {
        int inputs = 40;
        MultiLayerNetwork ref = SunModel.build(new SunSpec(inputs, 1, 32, 4, 1, 1, 16, 0.0, LossKind.CCC,
                NetworkOptions.REFERENCE), 1, new NoOp(), DataType.FLOAT);
        MultiLayerNetwork orig = SunModel.build(new SunSpec(inputs, 1, 32, 4, 1, 1, 16, 0.0, LossKind.CCC), 1, new NoOp(),
                DataType.FLOAT);
        assertTrue(ref.getLayer(0).getParam("bp") == null && orig.getLayer(0).getParam("bp") != null);
        assertEquals(4, ref.getnLayers(), "attention, BiLSTM, head, output");
        assertEquals(64, ref.getLayer(2).getParam("W").size(1));
        // PyTorch Linear(40, 32) draws the projection in ±1/√40; Xavier for [40, 32] reaches ±0.29
        double bound = 1 / Math.sqrt(inputs);
        INDArray wp = ref.getLayer(0).getParam("Wp");
        assertTrue(wp.amaxNumber().doubleValue() <= bound && wp.amaxNumber().doubleValue() > 0.9 * bound);
        assertTrue(orig.getLayer(0).getParam("Wp").amaxNumber().doubleValue() > 1.1 * bound);
        // head bias drawn like its weights (PyTorch), output bias 0 (the reference sets it)
        double headBound = 1 / Math.sqrt(32);
        assertTrue(ref.getLayer(2).getParam("W").amaxNumber().doubleValue() <= headBound);
        INDArray hb = ref.getLayer(2).getParam("b");
        assertTrue(hb.amaxNumber().doubleValue() > 0.5 * headBound && hb.amaxNumber().doubleValue() <= headBound);
        assertEquals(0.0, ref.getLayer(3).getParam("b").amaxNumber().doubleValue());
    }
}
