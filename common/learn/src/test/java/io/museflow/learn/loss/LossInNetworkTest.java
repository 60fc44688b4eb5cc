package io.museflow.learn.loss;

import io.museflow.learn.GradientChecks;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.io.File;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The losses inside DL4J's own output layer, with padded and masked time series. */
class LossInNetworkTest {
    private static MultiLayerNetwork net(ILossFunction loss) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(12).updater(new NoOp()).miniBatch(false)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new LSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder().lossFunction(loss).activation(Activation.IDENTITY).nIn(4).nOut(2).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Three sequences of lengths 7, 5 and 3 padded to 7. */
    private static INDArray mask() {
        INDArray m = Nd4j.ones(DataType.DOUBLE, 3, 7);
        for (int t = 5; t < 7; t++) {
            m.putScalar(1, t, 0.0);
        }
        for (int t = 3; t < 7; t++) {
            m.putScalar(2, t, 0.0);
        }
        return m;
    }

    @Test
    void gradientCheckThroughAnLstmNetwork() {
        GradientChecks.inDoublePrecision(this::checkAllLosses);
    }

    private void checkAllLosses() {
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 3, 7).subi(0.5);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 3, 2, 7).subi(0.5);
        for (ILossFunction loss : List.<ILossFunction>of(new CccLoss(), new MaskedMse(), new MaskedL1())) {
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net(loss))
                    .input(x).labels(y).inputMask(mask()).labelMask(mask())
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
            assertTrue(ok, loss.name() + ": gradient check failed");
        }
    }

    @Test
    void scoreIsTheLossNotDividedByTheMinibatch() {
        Nd4j.getRandom().setSeed(2);
        MultiLayerNetwork net = net(new CccLoss());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 3, 7);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 3, 2, 7);
        INDArray out = net.output(x, false, mask(), mask());
        double expected = 0;
        for (int j = 0; j < 2; j++) {
            io.museflow.metrics.PairMoments m = new io.museflow.metrics.PairMoments();
            for (int b = 0; b < 3; b++) {
                for (int t = 0; t < 7; t++) {
                    if (mask().getDouble(b, t) > 0) {
                        m.add(out.getDouble(b, j, t), y.getDouble(b, j, t));
                    }
                }
            }
            expected += (1 - m.ccc()) / 2;
        }
        net.setInput(x);
        net.setLabels(y);
        net.setLayerMaskArrays(mask(), mask());
        net.computeGradientAndScore();
        assertEquals(expected, net.score(), 1e-10);
    }

    @Test
    void networksWithTheLossSaveAndLoad(@TempDir File dir) throws Exception {
        MultiLayerNetwork net = net(new CccLoss());
        assertEquals(net.getLayerWiseConfigurations(), MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson()));
        File f = new File(dir, "model.zip");
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 5);
        assertEquals(net.output(x), back.output(x));
        assertTrue(((RnnOutputLayer) back.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn() instanceof CccLoss);
    }
}
