package io.museflow.learn.model;

import io.museflow.learn.attention.SelfAttentionBlock;
import io.museflow.learn.rnn.CellType;
import io.museflow.learn.rnn.MaskedRnn;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
        NeuralNetConfiguration.ListBuilder list = Networks.start(seed, updater, dataType);
        long nIn = spec.inputs();
        for (int i = 0; i < spec.attentionLayers(); i++) {
            list.layer(Networks.withDropout(new SelfAttentionBlock(nIn, spec.width(), spec.heads(),
                    spec.options().projectionBias(), spec.options().init()), spec.dropRate()));
            nIn = spec.width();
        }
        for (int i = 0; i < spec.lstmLayers(); i++) {
            MaskedRnn lstm = new MaskedRnn(CellType.LSTM, true, nIn, spec.hidden());
            lstm.setInputGradient(spec.attentionLayers() > 0 || i > 0); // the first layer's input is the data
            list.layer(Networks.withDropout(lstm, spec.dropRate()));
            nIn = lstm.outputSize();
        }
        return Networks.finish(list, spec.attentionLayers() + spec.lstmLayers(), nIn, spec.targets(), spec.loss(),
                spec.options(), spec.dropRate());
    }
}
