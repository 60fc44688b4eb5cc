package io.museflow.learn.model;

import io.museflow.learn.rnn.CellType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.Serializable;

/**
 * The body of the network a trial trains, one type per model family: what only that family has.
 * What every trial shares (hidden units, dropout, loss, network options, schedule) stays in the
 * trial's specification.
 */
public sealed interface TrialModel extends Serializable permits TrialModel.Sun, TrialModel.Stacked {
    ModelKind kind();

    /** The network for {@code inputs} columns and {@code targets} outputs, Adam at {@code learningRate}. */
    MultiLayerNetwork build(int inputs, int targets, int hidden, double dropRate, LossKind loss, NetworkOptions options,
                            long seed, double learningRate);

    /** Sun et al. 2020: projection to {@code width}, attention blocks of {@code heads} heads, BiLSTM layers. */
    record Sun(int width, int heads, int attentionLayers, int lstmLayers) implements TrialModel {
        @Override
        public ModelKind kind() {
            return ModelKind.SUN;
        }

        @Override
        public MultiLayerNetwork build(int inputs, int targets, int hidden, double dropRate, LossKind loss,
                                       NetworkOptions options, long seed, double learningRate) {
            return SunModel.build(new SunSpec(inputs, targets, width, heads, attentionLayers, lstmLayers, hidden,
                    dropRate, loss, options), seed, learningRate, DataType.FLOAT);
        }
    }

    /**
     * Hamieh et al. 2021: {@code layers} recurrent layers of {@code cell}, bidirectional or not. Also
     * the body of every trial's reconstruction-error auto-encoders.
     */
    record Stacked(int layers, CellType cell, boolean bidirectional) implements TrialModel {
        @Override
        public ModelKind kind() {
            return ModelKind.STACKED;
        }

        @Override
        public MultiLayerNetwork build(int inputs, int targets, int hidden, double dropRate, LossKind loss,
                                       NetworkOptions options, long seed, double learningRate) {
            return StackedRnnModel.build(new StackedRnnSpec(inputs, targets, layers, cell, bidirectional, hidden,
                    dropRate, loss, options), seed, learningRate, DataType.FLOAT);
        }

        /** The auto-encoder of a {@code width}-column feature set with this body. */
        public MultiLayerNetwork autoEncoder(int width, int hidden, long seed, double learningRate) {
            return ReconstructionError.autoEncoder(width, layers, cell, bidirectional, hidden, seed, learningRate);
        }
    }
}
