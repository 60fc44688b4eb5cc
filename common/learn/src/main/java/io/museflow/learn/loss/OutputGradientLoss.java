package io.museflow.learn.loss;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A loss whose gradient is handed in as its labels: {@code L = Σ g·out} over the unmasked entries,
 * so {@code dL/dout = g}. It lets a network back-propagate a gradient computed elsewhere through
 * DL4J's own backward pass: the micro-batch step ({@code io.museflow.learn.train.MicroBatches})
 * computes the true loss's gradient on the whole minibatch's predictions, then back-propagates one
 * slice of it per micro-batch with this loss in the output layer. Never part of a saved model.
 */
public final class OutputGradientLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    /** {@code gradient} with masked entries zeroed (a copy). */
    private static INDArray masked(INDArray gradient, INDArray mask) {
        INDArray g = gradient.dup();
        if (mask != null) {
            g = mask.equalShapes(g) ? g.muli(mask) : g.muliColumnVector(mask.castTo(g.dataType()));
        }
        return g;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        INDArray out = activationFn.getActivation(preOutput.dup(), true);
        return masked(labels, mask).muli(out).sumNumber().doubleValue();
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray out = activationFn.getActivation(preOutput.dup(), true);
        return masked(labels, mask).muli(out).sum(true, 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return activationFn.backprop(preOutput.dup(), masked(labels, mask)).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "output-gradient";
    }

    @Override
    public String toString() {
        return name();
    }
}
