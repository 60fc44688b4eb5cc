package io.museflow.learn.model;

import io.museflow.learn.rnn.MaskedRnn;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
        NeuralNetConfiguration.ListBuilder list = Networks.start(seed, updater, dataType);
        long nIn = spec.inputs();
        for (int i = 0; i < spec.layers(); i++) {
            MaskedRnn layer = new MaskedRnn(spec.cell(), spec.bidirectional(), nIn, spec.hidden());
            layer.setInputGradient(i > 0); // the first layer's input is the data
            list.layer(Networks.withDropout(layer, spec.dropRate()));
            nIn = layer.outputSize();
        }
        return Networks.finish(list, spec.layers(), nIn, spec.targets(), spec.loss(), spec.options(), spec.dropRate());
    }
}
