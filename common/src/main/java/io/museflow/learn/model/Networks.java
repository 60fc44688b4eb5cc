package io.museflow.learn.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
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
    static <L extends BaseLayer> L withDropout(L layer, double dropRate) {
        if (dropRate > 0) {
            layer.setIDropout(new Dropout(1.0 - dropRate));
        }
        return layer;
    }

    /** Adds the per-frame linear output with the spec's loss and initializes the network. */
    static MultiLayerNetwork finish(NeuralNetConfiguration.ListBuilder list, long nIn, int targets, LossKind loss) {
        list.layer(new RnnOutputLayer.Builder().lossFunction(loss.create()).activation(Activation.IDENTITY)
                .nIn(nIn).nOut(targets).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }
}
