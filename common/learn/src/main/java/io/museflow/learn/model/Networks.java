package io.museflow.learn.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.RNNFormat;
import io.museflow.learn.layers.FrameTimeDistributed;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import io.museflow.learn.layers.FrameDenseLayer;
import io.museflow.learn.layers.FrameOutputLayer;
import io.museflow.learn.layers.InitScheme;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;

/** The parts every museflow model network shares. */
final class Networks {
    private Networks() {
    }

    static NeuralNetConfiguration.ListBuilder start(long seed, IUpdater updater, DataType dataType) {
        return new NeuralNetConfiguration.Builder()
                .dataType(dataType).seed(seed).updater(updater).weightInit(WeightInit.XAVIER)
                // The losses are means over frames already; DL4J must not divide by the batch again.
                .miniBatch(false)
                .list();
    }

    /** {@code dropRate} as a drop rate; DL4J's Dropout takes the keep probability (stack.md defect 4). */
    static <L extends org.deeplearning4j.nn.conf.layers.Layer> L withDropout(L layer, double dropRate) {
        if (dropRate > 0) {
            layer.setIDropout(new Dropout(1.0 - dropRate));
        }
        return layer;
    }

    /**
     * Adds the per-frame output (with a {@code Linear → ReLU} head first when {@code options.head() > 0},
     * dropout on its output at {@code dropRate} as in Sun et al.'s code) with the spec's loss and
     * initializes the network.
     */
    static MultiLayerNetwork finish(NeuralNetConfiguration.ListBuilder list, int bodyLayers, long nIn, int targets,
                                    LossKind loss, NetworkOptions options, double dropRate) {
        WeightInit dense = options.init() == InitScheme.TORCH ? WeightInit.UNIFORM : WeightInit.XAVIER;
        boolean head = options.head() > 0;
        if (head) {
            // TimeDistributed applies the dense layer to every frame (reshaping by the input's own shape;
            // DL4J's RNN/feed-forward preprocessors instead need the network's minibatch size, which
            // not every code path sets); museflow's own keeps the frame mask aligned with the frames.
            list.layer(new FrameTimeDistributed(FrameDenseLayer.of(nIn, options.head(), Activation.RELU, dense),
                    RNNFormat.NCW));
            nIn = options.head();
        }
        FrameOutputLayer out = FrameOutputLayer.of(nIn, targets, loss.create(options.cccReduction()), dense);
        list.layer(head ? withDropout(out, dropRate) : out);
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        if (head && options.init() == InitScheme.TORCH) {
            // PyTorch's Linear draws its bias like its weights, in ±1/√fan_in; DL4J starts biases constant.
            INDArray b = net.getLayer(bodyLayers).getParam(DefaultParamInitializer.BIAS_KEY);
            double k = 1.0 / Math.sqrt(net.getLayer(bodyLayers).getParam(DefaultParamInitializer.WEIGHT_KEY).size(0));
            b.assign(Nd4j.rand(b.dataType(), b.shape()).muli(2 * k).subi(k));
        }
        return net;
    }
}
