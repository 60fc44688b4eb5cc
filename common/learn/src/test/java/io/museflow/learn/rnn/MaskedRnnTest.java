package io.museflow.learn.rnn;

import io.museflow.learn.GradientChecks;
import io.museflow.learn.loss.CccLoss;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The masked recurrent layer inside DL4J networks. */
class MaskedRnnTest {
    static final int MB = 3;
    static final int NIN = 3;
    static final int T = 6;
    static final int[] LENGTHS = {6, 4, 2};

    static MultiLayerNetwork net(boolean bidirectional) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(42).updater(new NoOp()).miniBatch(false)
                .list()
                .layer(new MaskedRnn(CellType.GRU, bidirectional, NIN, 4))
                .layer(new MaskedRnn(CellType.LSTM, bidirectional, bidirectional ? 8 : 4, 3))
                .layer(new RnnOutputLayer.Builder().lossFunction(new CccLoss()).activation(Activation.IDENTITY)
                        .nIn(bidirectional ? 6 : 3).nOut(2).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static INDArray mask() {
        INDArray m = Nd4j.zeros(DataType.DOUBLE, MB, T);
        for (int b = 0; b < MB; b++) {
            for (int t = 0; t < LENGTHS[b]; t++) {
                m.putScalar(b, t, 1.0);
            }
        }
        return m;
    }

    /** Padded positions of a [MB, n, T] array set to large random values. */
    static INDArray withNoisyPadding(INDArray x) {
        INDArray noisy = x.dup();
        for (int b = 0; b < MB; b++) {
            for (int t = LENGTHS[b]; t < T; t++) {
                for (int c = 0; c < x.size(1); c++) {
                    noisy.putScalar(new long[]{b, c, t}, 100 * (Math.random() - 0.5));
                }
            }
        }
        return noisy;
    }

    @Test
    void gradientCheckOfStackedMaskedLayers() {
        GradientChecks.inDoublePrecision(() -> {
            for (boolean bi : new boolean[]{true, false}) {
                Nd4j.getRandom().setSeed(3);
                INDArray x = Nd4j.rand(DataType.DOUBLE, MB, NIN, T).subi(0.5);
                INDArray y = Nd4j.rand(DataType.DOUBLE, MB, 2, T).subi(0.5);
                boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net(bi))
                        .input(x).labels(y).inputMask(mask()).labelMask(mask())
                        .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
                assertTrue(ok, "bidirectional=" + bi);
            }
        });
    }

    @Test
    void paddingChangesNeitherRealOutputsNorGradients() {
        MultiLayerNetwork net = net(true);
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.DOUBLE, MB, NIN, T);
        INDArray y = Nd4j.rand(DataType.DOUBLE, MB, 2, T);
        INDArray noisy = withNoisyPadding(x);
        INDArray out = net.output(x, false, mask(), mask());
        INDArray outNoisy = net.output(noisy, false, mask(), mask());
        INDArray m3 = mask().reshape(MB, 1, T);
        assertEquals(0.0, out.sub(outNoisy).muli(m3.broadcast(MB, 2, T)).amaxNumber().doubleValue(), 1e-12);

        INDArray g1 = gradient(net, x, y);
        INDArray g2 = gradient(net, noisy, withNoisyPadding(y));
        assertEquals(0.0, g1.sub(g2).amaxNumber().doubleValue(), 1e-12, "leak into the parameter gradients");
    }

    private static INDArray gradient(MultiLayerNetwork net, INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.setLayerMaskArrays(mask(), mask());
        net.computeGradientAndScore();
        return net.gradient().gradient().dup();
    }

    @Test
    void aSequenceGivesTheSameOutputAloneAsInAPaddedBatch() {
        MultiLayerNetwork net = net(true);
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, MB, NIN, T);
        INDArray batch = net.output(x, false, mask(), mask());
        for (int b = 0; b < MB; b++) {
            int len = LENGTHS[b];
            INDArray alone = x.get(NDArrayIndex.interval(b, b + 1), NDArrayIndex.all(), NDArrayIndex.interval(0, len)).dup();
            INDArray outAlone = net.output(alone);
            INDArray inBatch = batch.get(NDArrayIndex.interval(b, b + 1), NDArrayIndex.all(), NDArrayIndex.interval(0, len));
            assertEquals(0.0, outAlone.sub(inBatch).amaxNumber().doubleValue(), 1e-12, "sequence " + b);
        }
    }

    @Test
    void backwardDirectionSeesOnlyLaterFramesWithinTheSequence() {
        MaskedRnn conf = new MaskedRnn(CellType.GRU, true, NIN, 4);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .seed(1).list().layer(conf).layer(new RnnOutputLayer.Builder().lossFunction(new CccLoss())
                        .activation(Activation.IDENTITY).nIn(8).nOut(1).build()).build());
        net.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, MB, NIN, T);
        INDArray changed = x.dup();
        changed.putScalar(new long[]{1, 0, 3}, 9.0); // last real frame of sequence 1 (length 4)
        net.setLayerMaskArrays(mask(), null);
        INDArray h = net.feedForwardToLayer(0, x, false).get(1);
        INDArray h2 = net.feedForwardToLayer(0, changed, false).get(1);
        for (int t = 0; t < 3; t++) {
            assertEquals(0.0, h.get(NDArrayIndex.point(1), NDArrayIndex.interval(0, 4), NDArrayIndex.point(t))
                    .sub(h2.get(NDArrayIndex.point(1), NDArrayIndex.interval(0, 4), NDArrayIndex.point(t)))
                    .amaxNumber().doubleValue(), 0.0, "forward half before the change");
            assertNotEquals(0.0, h.get(NDArrayIndex.point(1), NDArrayIndex.interval(4, 8), NDArrayIndex.point(t))
                    .sub(h2.get(NDArrayIndex.point(1), NDArrayIndex.interval(4, 8), NDArrayIndex.point(t)))
                    .amaxNumber().doubleValue(), "backward half starts from the sequence's own last frame");
        }
        assertEquals(0.0, h.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.interval(4, 6))
                .amaxNumber().doubleValue(), 0.0, "padded frames output 0");
    }

    @Test
    void aFirstLayerWithoutInputGradientGivesTheSameParameterGradients() {
        MultiLayerNetwork full = net(true);
        MultiLayerConfiguration conf = full.getLayerWiseConfigurations().clone();
        MaskedRnn first = (MaskedRnn) conf.getConf(0).getLayer();
        first.setInputGradient(false);
        MultiLayerNetwork skipping = new MultiLayerNetwork(conf);
        skipping.init(full.params().dup(), false);
        assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()), "the setting survives JSON");
        assertNotEquals(full.getLayerWiseConfigurations(), conf);

        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, MB, NIN, T);
        INDArray y = Nd4j.rand(DataType.DOUBLE, MB, 2, T);
        INDArray expected = gradient(full, x, y);
        assertEquals(0.0, expected.sub(gradient(skipping, x, y)).amaxNumber().doubleValue(), 0.0);
        assertTrue(expected.amaxNumber().doubleValue() > 0);

        // Asked directly, the layer returns no input gradient; the second layer still does.
        INDArray eps = Nd4j.rand(DataType.DOUBLE, MB, 8, T);
        var workspace = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        for (MultiLayerNetwork net : new MultiLayerNetwork[]{full, skipping}) {
            net.getLayer(0).setInput(x, workspace);
            net.getLayer(0).setMaskArray(mask());
            net.getLayer(0).activate(true, workspace);
        }
        assertTrue(full.getLayer(0).backpropGradient(eps, workspace).getSecond() != null);
        assertEquals(null, skipping.getLayer(0).backpropGradient(eps, workspace).getSecond());
    }

    @Test
    void savesAndLoadsWithDl4jSerializer(@TempDir File dir) throws Exception {
        MultiLayerNetwork net = net(true);
        assertEquals(net.getLayerWiseConfigurations(),
                MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson()));
        File f = new File(dir, "rnn.zip");
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f);
        INDArray x = Nd4j.rand(DataType.DOUBLE, MB, NIN, T);
        assertEquals(net.output(x, false, mask(), mask()), back.output(x, false, mask(), mask()));
    }
}
