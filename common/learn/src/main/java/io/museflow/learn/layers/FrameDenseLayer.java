package io.museflow.learn.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link DenseLayer} with its products through BLAS ({@link FrameProducts}): the regression
 * head applied to every frame. Same parameters, initialisation and results as DL4J's layer; no
 * layer normalization or weight noise (museflow uses neither).
 */
public class FrameDenseLayer extends DenseLayer {
    private static final long serialVersionUID = 1L;

    /** For deserialization; use {@link #of}. */
    public FrameDenseLayer() {
    }

    public static FrameDenseLayer of(long nIn, long nOut, Activation activation, WeightInit weightInit) {
        FrameDenseLayer l = new FrameDenseLayer();
        l.setNIn(nIn);
        l.setNOut(nOut);
        l.setActivationFn(activation.getActivationFunction());
        l.setWeightInitFn(weightInit.getWeightInitFunction());
        l.setHasBias(true);
        l.setBiasInit(0.0);
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
        return o instanceof FrameDenseLayer && super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }

    static final class Impl extends org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer {
        private static final long serialVersionUID = 1L;

        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
                                                                LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(forBackprop);
            if (hasLayerNorm()) {
                throw new UnsupportedOperationException("FrameDenseLayer has no layer normalization (" + layerId() + ")");
            }
            applyDropOutIfNecessary(training, workspaceMgr);
            INDArray z = FrameProducts.affine(input.castTo(dataType),
                    getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, workspaceMgr),
                    hasBias() ? getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, workspaceMgr) : null,
                    workspaceMgr, layerId());
            if (maskArray != null) {
                applyMask(z);
            }
            return new Pair<>(z, z);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            INDArray z = preOutputWithPreNorm(true, true, workspaceMgr).getFirst();
            INDArray delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
            if (maskArray != null) {
                applyMask(delta);
            }
            Gradient gradient = new DefaultGradient();
            INDArray weightView = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
            INDArray biasView = hasBias() ? gradientViews.get(DefaultParamInitializer.BIAS_KEY) : null;
            FrameProducts.parameterGradients(input, delta, weightView, biasView);
            // In the order DL4J's dense layer reports them.
            if (biasView != null) {
                gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasView);
            }
            gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightView);
            INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            INDArray epsilonNext = FrameProducts.inputGradient(delta, w, workspaceMgr);
            weightNoiseParams.clear();
            return new Pair<>(gradient, backpropDropOutIfPresent(epsilonNext));
        }
    }
}
