package io.museflow.learn.loss;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Base of museflow's per-frame regression losses. Inputs are DL4J's 2-d output-layer view:
 * {@code rows × targets} (a time series minibatch is flattened to one row per frame), with a mask
 * that is null, {@code rows × 1} (per frame) or {@code rows × targets} (per label). Masked entries
 * and entries whose label is NaN (a masked annotation) take no part in the loss and get a zero
 * gradient, so padding can never leak into the real frames.
 *
 * <p>The value is already a mean over the frames (and over the targets), so networks must be
 * configured with {@code miniBatch(false)}: DL4J would otherwise divide score and gradient by the
 * minibatch size once more.
 */
public abstract class MaskedFrameLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    /** The loss of {@code output} against {@code labels} over the entries where {@code mask} is 1. */
    protected abstract double score(INDArray output, INDArray labels, INDArray mask);

    /** dLoss/dOutput, zero where {@code mask} is 0. */
    protected abstract INDArray gradient(INDArray output, INDArray labels, INDArray mask);

    /** Mask as a 0/1 matrix of the labels' shape with NaN labels masked; labels with NaN replaced by 0. */
    static INDArray[] effective(INDArray labels, INDArray mask) {
        INDArray m;
        if (mask == null) {
            m = Nd4j.onesLike(labels);
        } else if (mask.equalShapes(labels)) {
            m = mask.castTo(labels.dataType()).dup();
        } else if (mask.rank() == 2 && mask.size(0) == labels.size(0) && mask.size(1) == 1) {
            m = Nd4j.onesLike(labels).muliColumnVector(mask.castTo(labels.dataType()));
        } else {
            throw new IllegalArgumentException("mask shape " + java.util.Arrays.toString(mask.shape())
                    + " fits neither the labels " + java.util.Arrays.toString(labels.shape()) + " nor one column");
        }
        m.muli(labels.isNaN().castTo(labels.dataType()).rsubi(1.0));
        INDArray y = labels.dup();
        BooleanIndexing.replaceWhere(y, 0.0, Conditions.isNan());
        return new INDArray[]{m, y};
    }

    private INDArray output(INDArray preOutput, IActivation activation) {
        // DL4J activations work in place: never hand them the caller's array.
        return activation.getActivation(preOutput.dup(), true);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        INDArray[] my = effective(labels, mask);
        return score(output(preOutput, activationFn), my[1], my[0]);
    }

    /**
     * Per-row share of the loss (rows without any unmasked label get 0; the shares sum to the
     * score). The CCC is not a sum over frames, so its share is the score spread evenly.
     */
    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray[] my = effective(labels, mask);
        double s = score(output(preOutput, activationFn), my[1], my[0]);
        INDArray rowsUsed = my[0].max(1).reshape(labels.size(0), 1);
        double used = rowsUsed.sumNumber().doubleValue();
        return used == 0 ? rowsUsed : rowsUsed.muli(s / used);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray[] my = effective(labels, mask);
        INDArray dLdOut = gradient(output(preOutput, activationFn), my[1], my[0]);
        return activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        INDArray[] my = effective(labels, mask);
        INDArray out = output(preOutput, activationFn);
        double s = score(out, my[1], my[0]);
        INDArray dLdOut = gradient(out, my[1], my[0]);
        return new Pair<>(s, activationFn.backprop(preOutput.dup(), dLdOut).getFirst());
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }

    @Override
    public String toString() {
        return name();
    }
}
