package io.museflow.learn.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Mean squared error over the unmasked entries (frames × targets). */
public class MaskedMse extends MaskedFrameLoss {
    private static final long serialVersionUID = 1L;

    @Override
    protected double score(INDArray output, INDArray labels, INDArray mask) {
        double n = mask.sumNumber().doubleValue();
        if (n == 0) {
            return 0;
        }
        INDArray e = output.sub(labels).muli(mask);
        return e.mul(e).sumNumber().doubleValue() / n;
    }

    @Override
    protected INDArray gradient(INDArray output, INDArray labels, INDArray mask) {
        double n = mask.sumNumber().doubleValue();
        INDArray g = output.sub(labels).muli(mask);
        return n == 0 ? g : g.muli(2.0 / n);
    }

    @Override
    public String name() {
        return "mse";
    }
}
