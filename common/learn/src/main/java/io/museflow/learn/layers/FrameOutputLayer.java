package io.museflow.learn.layers;

import io.museflow.learn.loss.CccLoss;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.util.TimeSeriesUtils;
import org.nd4j.common.primitives.Pair;
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
 * activation) with its products through BLAS, and before each loss evaluation it tells a {@link CccLoss} how many
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

    /** A minibatch's loss and its gradient with respect to the outputs, {@code [mb, nOut, T]}. */
    public record LossAndGradient(double loss, INDArray gradient) {
    }

    /**
     * The output layer's loss of {@code output} ({@code [mb, nOut, T]}, as the network predicts it)
     * against {@code labels} under {@code mask} ({@code [mb, T]}), and its gradient, with the rows laid
     * out and the sequences counted exactly as the layer does when it trains on that minibatch.
     */
    public static LossAndGradient lossAndGradient(MultiLayerNetwork net, INDArray output, INDArray labels,
                                                  INDArray mask) {
        FrameOutputLayer conf = outputOf(net);
        ILossFunction loss = conf.getLossFn();
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        INDArray out2d = TimeSeriesUtils.reshape3dTo2d(output, none, ArrayType.ACTIVATIONS);
        INDArray labels2d = TimeSeriesUtils.reshape3dTo2d(labels, none, ArrayType.ACTIVATIONS);
        INDArray mask2d = TimeSeriesUtils.reshapeTimeSeriesMaskToVector(mask, none, ArrayType.INPUT);
        if (loss instanceof CccLoss ccc) {
            ccc.sequencesInBatch((int) labels.size(0));
        }
        Pair<Double, INDArray> p = loss.computeGradientAndScore(labels2d, out2d, conf.getActivationFn(), mask2d, false);
        INDArray gradient = TimeSeriesUtils.reshape2dTo3d(p.getSecond(), labels.size(0), none, ArrayType.ACTIVATIONS);
        // out2d, labels2d, mask2d: frames × targets, small; a reshape may share its source's buffer, so
        // they are left to the collector rather than freed here.
        return new LossAndGradient(p.getFirst(), gradient);
    }

    /** Puts {@code loss} into the network's output layer and returns the one it replaces. */
    public static ILossFunction replaceLoss(MultiLayerNetwork net, ILossFunction loss) {
        FrameOutputLayer conf = outputOf(net);
        ILossFunction before = conf.getLossFn();
        conf.setLossFn(loss);
        return before;
    }

    private static FrameOutputLayer outputOf(MultiLayerNetwork net) {
        if (net.getOutputLayer().conf().getLayer() instanceof FrameOutputLayer conf) {
            return conf;
        }
        throw new IllegalArgumentException("the network's output layer is not a FrameOutputLayer: "
                + net.getOutputLayer().conf().getLayer().getClass().getSimpleName());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameOutputLayer && super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }

    /**
     * DL4J's implementation with its products through BLAS ({@link FrameProducts}); every loss
     * evaluation goes through {@link #getLabels2d}, where the count is set.
     */
    static final class Impl extends org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer {
        private static final long serialVersionUID = 1L;

        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /**
         * The score's and backward's forward pass on the sequences' own layout; DL4J's version
         * first copies the whole input into rows. As in DL4J's, dropout acts on a copy: the stored
         * input stays as it came.
         */
        @Override
        protected INDArray preOutput2d(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            if (input.rank() != 3) { // rows already (DL4J's feed-forward paths; museflow never feeds these)
                return super.preOutput2d(training, workspaceMgr);
            }
            INDArray input3d = input;
            try {
                return frames(training, workspaceMgr);
            } finally {
                input = input3d;
            }
        }

        /** Inference: {@code [mb, nOut, T]} outputs. */
        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            requireSequences();
            INDArray input3d = input;
            try {
                INDArray z = frames(training, workspaceMgr);
                INDArray out = layerConf().getActivationFn().getActivation(z, training);
                return TimeSeriesUtils.reshape2dTo3d(out, input3d.size(0), workspaceMgr, ArrayType.ACTIVATIONS);
            } finally {
                input = input3d;
            }
        }

        /** Dropout (on a copy) and the frame product of the current 3-D input, masked. */
        private INDArray frames(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (training && layerConf().getIDropout() != null) {
                input = input.dup('c');
            }
            applyDropOutIfNecessary(training, workspaceMgr);
            INDArray z = FrameProducts.affineFrames(input,
                    getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, workspaceMgr),
                    hasBias() ? getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, workspaceMgr) : null,
                    FrameProducts.RowOrder.TIME_MAJOR, workspaceMgr, layerId());
            if (maskArray != null) {
                applyMask(z);
            }
            return z;
        }

        private void requireSequences() {
            if (input.rank() != 3 || layerConf().getRnnDataFormat() != RNNFormat.NCW) {
                throw new IllegalStateException("FrameOutputLayer expects NCW input [minibatch, size, time], got "
                        + java.util.Arrays.toString(input.shape()) + " (" + layerId() + ")");
            }
        }

        /** DL4J's RNN output backward (loss gradient, parameter and input gradients) on the sequences' layout. */
        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            requireSequences();
            INDArray input3d = input;
            try {
                INDArray z = frames(true, workspaceMgr);
                INDArray labels2d = getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM);
                INDArray delta = layerConf().getLossFn().computeGradient(labels2d, z, layerConf().getActivationFn(),
                        maskArray);
                Gradient gradient = new DefaultGradient();
                INDArray weightView = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
                INDArray biasView = hasBias() ? gradientViews.get(DefaultParamInitializer.BIAS_KEY) : null;
                FrameProducts.parameterGradientsFrames(input, delta, FrameProducts.RowOrder.TIME_MAJOR, weightView,
                        biasView);
                gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightView);
                if (biasView != null) {
                    gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasView);
                }
                INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
                INDArray epsilon3d = backpropDropOutIfPresent(
                        FrameProducts.inputGradientFrames(delta, w, (int) input3d.size(0),
                                FrameProducts.RowOrder.TIME_MAJOR, workspaceMgr));
                weightNoiseParams.clear();
                return new Pair<>(gradient, epsilon3d);
            } finally {
                input = input3d;
            }
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
