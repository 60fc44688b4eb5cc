package io.museflow.learn.model;

import io.museflow.learn.attention.SelfAttentionBlock;
import io.museflow.learn.rnn.CellType;
import io.museflow.learn.rnn.MaskedRnn;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/** Builds the network of a {@link SunSpec}. */
public final class SunModel {
    private SunModel() {
    }

    /** With Adam at {@code learningRate}, the papers' optimizer. */
    public static MultiLayerNetwork build(SunSpec spec, long seed, double learningRate, DataType dataType) {
        return build(spec, seed, new Adam(learningRate), dataType);
    }

    /** With any updater ({@code NoOp} for gradient checks). */
    public static MultiLayerNetwork build(SunSpec spec, long seed, IUpdater updater, DataType dataType) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .dataType(dataType).seed(seed).updater(updater).weightInit(WeightInit.XAVIER)
                .miniBatch(false) // the losses are already means over frames
                .list();
        long nIn = spec.inputs();
        for (int i = 0; i < spec.attentionLayers(); i++) {
            list.layer(dropout(new SelfAttentionBlock(nIn, spec.width(), spec.heads()), spec.dropRate()));
            nIn = spec.width();
        }
        for (int i = 0; i < spec.lstmLayers(); i++) {
            MaskedRnn lstm = new MaskedRnn(CellType.LSTM, true, nIn, spec.hidden());
            list.layer(dropout(lstm, spec.dropRate()));
            nIn = lstm.outputSize();
        }
        list.layer(new RnnOutputLayer.Builder().lossFunction(spec.loss().create()).activation(Activation.IDENTITY)
                .nIn(nIn).nOut(spec.targets()).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    private static BaseLayer dropout(BaseLayer layer, double dropRate) {
        if (dropRate > 0) {
            layer.setIDropout(new Dropout(1.0 - dropRate)); // DL4J takes the keep probability
        }
        return layer;
    }
}
