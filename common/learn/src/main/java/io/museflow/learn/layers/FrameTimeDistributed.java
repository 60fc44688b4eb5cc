package io.museflow.learn.layers;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.layers.recurrent.TimeDistributedLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Collection;

/**
 * DL4J's {@link TimeDistributed} with the frame mask in the same row order as the frames.
 *
 * <p>Why: DL4J 1.0.0-M2.1's {@link TimeDistributedLayer} turns an NCW input {@code [mb, n, T]} into
 * rows sequence by sequence (row {@code b·T + t}) but its {@code [mb, T]} mask into a column time
 * step by time step (row {@code b + t·mb}, Fortran order). With more than one sequence and any
 * padding, the wrapped layer then masks the wrong rows: real frames of some windows lose their
 * activation, padded frames keep theirs. A single sequence (museflow's whole-video predictions) is
 * unaffected; training minibatches with short windows were. Found because a window's output in a
 * minibatch differed from the same window's output alone (MicroBatchesTest, FrameTimeDistributedTest).
 */
public class FrameTimeDistributed extends TimeDistributed {
    private static final long serialVersionUID = 1L;

    public FrameTimeDistributed(@JsonProperty("underlying") Layer underlying,
                                @JsonProperty("rnnDataFormat") RNNFormat rnnDataFormat) {
        super(underlying, rnnDataFormat);
        if (rnnDataFormat != RNNFormat.NCW) {
            throw new IllegalArgumentException("FrameTimeDistributed takes NCW sequences, got " + rnnDataFormat);
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        NeuralNetConfiguration inner = conf.clone();
        inner.setLayer(getUnderlying());
        return new Impl(getUnderlying().instantiate(inner, trainingListeners, layerIndex, layerParamsView,
                initializeParams, networkDataType));
    }

    /** The wrapped layer's frames and mask, both sequence by sequence. */
    static final class Impl extends TimeDistributedLayer {
        private static final long serialVersionUID = 1L;

        Impl(org.deeplearning4j.nn.api.Layer underlying) {
            super(underlying, RNNFormat.NCW);
        }

        /** {@code [mb, T]} → {@code [mb·T, 1]}, row {@code b·T + t}: the order {@link #reshape} gives the frames. */
        private static INDArray rows(INDArray mask) {
            return mask.dup('c').reshape('c', mask.length(), 1);
        }

        @Override
        public void setMaskArray(INDArray maskArray) {
            underlying.setMaskArray(maskArray == null ? null : rows(maskArray));
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
                                                              int minibatchSize) {
            if (maskArray == null) {
                return underlying.feedForwardMaskArray(null, currentMaskState, minibatchSize);
            }
            Pair<INDArray, MaskState> p = underlying.feedForwardMaskArray(rows(maskArray), currentMaskState,
                    minibatchSize);
            if (p != null && p.getFirst() != null) {
                p.setFirst(p.getFirst().reshape('c', maskArray.size(0), maskArray.size(1)));
            }
            return p;
        }
    }
}
