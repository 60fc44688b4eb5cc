package io.museflow.learn.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code 1 − CCC} per target over the unmasked frames of the minibatch, averaged over the targets
 * (one CCC over the flattened minibatch, as in the MuSe 2020 baseline), with its analytic gradient.
 *
 * <p>With n unmasked frames, deviations {@code a = p − p̄}, {@code b = y − ȳ}, N = 2·Σab/n and
 * D = Σa²/n + Σb²/n + (p̄ − ȳ)²: CCC = N/D and
 * {@code ∂CCC/∂p_i = [2 b_i D − 2 N (a_i + p̄ − ȳ)] / (n D²)}.
 * A target whose unmasked predictions and labels are one identical constant (D = 0) has CCC 1 and
 * zero gradient; a target with no unmasked frame is left out of the mean.
 */
public class CccLoss extends MaskedFrameLoss {
    private static final long serialVersionUID = 1L;

    @Override
    protected double score(INDArray output, INDArray labels, INDArray mask) {
        return compute(output, labels, mask, null);
    }

    @Override
    protected INDArray gradient(INDArray output, INDArray labels, INDArray mask) {
        INDArray grad = Nd4j.zerosLike(output);
        compute(output, labels, mask, grad);
        return grad;
    }

    /** Returns the loss and, when {@code grad} is given, fills it with dLoss/dOutput. */
    private static double compute(INDArray output, INDArray labels, INDArray mask, INDArray grad) {
        int targets = (int) output.size(1);
        double loss = 0;
        int used = 0;
        INDArray[] gradients = new INDArray[targets];
        for (int j = 0; j < targets; j++) {
            INDArray m = mask.getColumn(j);
            double n = m.sumNumber().doubleValue();
            if (n == 0) {
                continue;
            }
            used++;
            INDArray p = output.getColumn(j);
            INDArray y = labels.getColumn(j);
            double pMean = p.mul(m).sumNumber().doubleValue() / n;
            double yMean = y.mul(m).sumNumber().doubleValue() / n;
            INDArray a = p.sub(pMean).muli(m);
            INDArray b = y.sub(yMean).muli(m);
            double num = 2 * a.mul(b).sumNumber().doubleValue() / n;
            double diff = pMean - yMean;
            double den = a.mul(a).sumNumber().doubleValue() / n + b.mul(b).sumNumber().doubleValue() / n + diff * diff;
            if (den == 0) {
                continue; // identical constants: CCC 1, loss 0, gradient 0
            }
            loss += 1 - num / den;
            if (grad != null) {
                // dLoss/dp = -dCCC/dp = -[2 b D - 2 N (a + diff·m)] / (n D^2)
                gradients[j] = b.muli(2 * den).subi(a.addi(m.mul(diff)).muli(2 * num)).divi(-n * den * den);
            }
        }
        if (used == 0) {
            return 0;
        }
        if (grad != null) {
            for (int j = 0; j < targets; j++) {
                if (gradients[j] != null) {
                    grad.getColumn(j).assign(gradients[j].divi(used));
                }
            }
        }
        return loss / used;
    }

    @Override
    public String name() {
        return "ccc";
    }
}
