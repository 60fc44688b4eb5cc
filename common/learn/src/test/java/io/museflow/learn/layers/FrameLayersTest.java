package io.museflow.learn.layers;

import io.museflow.learn.loss.CccLoss;
import io.museflow.learn.loss.CccReduction;
import io.museflow.learn.loss.MaskedMse;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * museflow's head and output layers ({@link FrameDenseLayer}, {@link FrameOutputLayer}) compute what
 * DL4J's {@link DenseLayer} and {@link RnnOutputLayer} compute, through their own products: same
 * outputs, score and gradients (the head's gradient carries the output layer's input gradient),
 * with padded sequences, in double and in float.
 */
class FrameLayersTest {
    private static final int IN = 3;
    private static final int HEAD = 5;
    private static final int OUT = 2;

    private static MultiLayerNetwork net(boolean museflow, ILossFunction loss, DataType type) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .dataType(type).seed(3).updater(new NoOp()).miniBatch(false).weightInit(WeightInit.XAVIER).list();
        list.layer(new TimeDistributed(museflow ? FrameDenseLayer.of(IN, HEAD, Activation.RELU, WeightInit.XAVIER)
                : new DenseLayer.Builder().nIn(IN).nOut(HEAD).activation(Activation.RELU).build(), RNNFormat.NCW));
        list.layer(museflow ? FrameOutputLayer.of(HEAD, OUT, loss, WeightInit.XAVIER)
                : new RnnOutputLayer.Builder().lossFunction(loss).activation(Activation.IDENTITY).nIn(HEAD).nOut(OUT)
                .dataFormat(RNNFormat.NCW).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    @Test
    void sameOutputsScoreAndGradientsAsDl4jsLayers() {
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            double eps = type == DataType.DOUBLE ? 1e-10 : 1e-4;
            for (ILossFunction loss : new ILossFunction[]{new MaskedMse(), new CccLoss(CccReduction.SEQUENCE)}) {
                MultiLayerNetwork ours = net(true, loss, type);
                MultiLayerNetwork theirs = net(false, loss, type);
                theirs.setParams(ours.params().dup());
                Nd4j.getRandom().setSeed(7);
                int mb = 3;
                int steps = 6;
                INDArray x = Nd4j.rand(type, mb, IN, steps).subi(0.5);
                INDArray y = Nd4j.rand(type, mb, OUT, steps);
                INDArray mask = Nd4j.ones(type, mb, steps);
                mask.putScalar(1, 5, 0); // sequence 1 is 5 frames long, sequence 2 four
                mask.putScalar(2, 4, 0);
                mask.putScalar(2, 5, 0);
                String what = type + " " + loss.getClass().getSimpleName();

                INDArray outOurs = ours.output(x, false, mask, mask);
                INDArray outTheirs = theirs.output(x, false, mask, mask);
                assertTrue(outTheirs.equalsWithEps(outOurs, eps), what + " outputs: " + outOurs + " vs " + outTheirs);

                for (MultiLayerNetwork n : new MultiLayerNetwork[]{ours, theirs}) {
                    n.setInput(x);
                    n.setLabels(y);
                    n.setLayerMaskArrays(mask, mask);
                    n.computeGradientAndScore();
                }
                assertEquals(theirs.score(), ours.score(), eps, what + " score");
                INDArray gOurs = ours.gradient().gradient();
                INDArray gTheirs = theirs.gradient().gradient();
                assertTrue(gOurs.amaxNumber().doubleValue() > 1e-3, what + ": a gradient to compare");
                assertTrue(gTheirs.equalsWithEps(gOurs, eps), what + " gradients: " + gOurs + " vs " + gTheirs);
            }
        }
    }
}
