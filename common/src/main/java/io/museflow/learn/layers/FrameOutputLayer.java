package io.museflow.learn.layers;

import io.museflow.learn.loss.CccLoss;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.util.Collection;

/**
 * The per-frame linear output of every museflow model: DL4J's {@link RnnOutputLayer} (NCW, identity
 * activation), except that before each loss evaluation it tells a {@link CccLoss} how many
 * sequences the minibatch holds. DL4J hands a loss the frames of all sequences flattened into
 * rows; without the count a per-sequence CCC could not tell the sequences apart.
 */
public class FrameOutputLayer extends RnnOutputLayer {
    private static final long serialVersionUID = 1L;

    /** For deserialization; use {@link #of}. */
    public FrameOutputLayer() {
    }

    public static FrameOutputLayer of(long nIn, int nOut, ILossFunction loss, WeightInit weightInit) {
        FrameOutputLayer l = new FrameOutputLayer();
        l.setNIn(nIn);
        l.setNOut(nOut);
        l.setLossFn(loss);
        l.setActivationFn(new ActivationIdentity());
        l.setHasBias(true);
        l.setBiasInit(0.0);
        l.setWeightInitFn(weightInit.getWeightInitFunction());
        l.setRnnDataFormat(RNNFormat.NCW);
        return l;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return LayerWiring.wire(new Impl(conf, networkDataType), conf, listeners, layerIndex, layerParamsView,
                initializeParams, initializer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameOutputLayer && super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }

    /** DL4J's implementation; every loss evaluation goes through {@link #getLabels2d}, where the count is set. */
    static final class Impl extends org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer {
        private static final long serialVersionUID = 1L;

        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        protected INDArray getLabels2d(LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
            if (labels.rank() == 3 && layerConf().getLossFn() instanceof CccLoss ccc) {
                ccc.sequencesInBatch((int) labels.size(0));
            }
            return super.getLabels2d(workspaceMgr, arrayType);
        }
    }
}
