package io.museflow.learn.model;

import io.museflow.learn.rnn.MaskedRnn;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/** Builds the network of a {@link StackedRnnSpec}; training lives in {@code Trainer}. */
public final class StackedRnnModel {
    private StackedRnnModel() {
    }

    /** With Adam at {@code learningRate}, the papers' optimizer. */
    public static MultiLayerNetwork build(StackedRnnSpec spec, long seed, double learningRate, DataType dataType) {
        return build(spec, seed, new Adam(learningRate), dataType);
    }

    /** With any updater ({@code NoOp} for gradient checks). */
    public static MultiLayerNetwork build(StackedRnnSpec spec, long seed, IUpdater updater, DataType dataType) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .dataType(dataType)
                .seed(seed)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                // The losses are means over frames already; DL4J must not divide by the batch again.
                .miniBatch(false)
                .list();
        long nIn = spec.inputs();
        for (int i = 0; i < spec.layers(); i++) {
            MaskedRnn layer = new MaskedRnn(spec.cell(), spec.bidirectional(), nIn, spec.hidden());
            if (spec.dropRate() > 0) {
                layer.setIDropout(new Dropout(1.0 - spec.dropRate())); // DL4J takes the keep probability
            }
            list.layer(layer);
            nIn = layer.outputSize();
        }
        list.layer(new RnnOutputLayer.Builder().lossFunction(spec.loss().create()).activation(Activation.IDENTITY)
                .nIn(nIn).nOut(spec.targets()).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }
}
