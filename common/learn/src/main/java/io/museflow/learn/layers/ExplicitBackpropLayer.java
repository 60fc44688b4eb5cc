package io.museflow.learn.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What museflow's sequence layers share: recurrent-type DL4J layers whose forward and backward
 * passes are written out explicitly, storing gradients in the network's flat gradient views.
 */
public abstract class ExplicitBackpropLayer<C extends org.deeplearning4j.nn.conf.layers.BaseLayer> extends BaseLayer<C> {

    protected ExplicitBackpropLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Copies a computed gradient into its view of the network's gradient vector and records it. */
    protected void putGradient(Gradient gradient, String key, INDArray value) {
        INDArray view = gradientViews.get(key);
        view.assign(value.reshape(view.shape()));
        gradient.gradientForVariable().put(key, view);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no weight noise
    }
}
