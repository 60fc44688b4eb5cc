package io.museflow.learn.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Mean absolute error over the unmasked entries (frames × targets); subgradient 0 at a tie. */
public class MaskedL1 extends MaskedFrameLoss {
    private static final long serialVersionUID = 1L;

    @Override
    protected double score(INDArray output, INDArray labels, INDArray mask) {
        double n = mask.sumNumber().doubleValue();
        return n == 0 ? 0 : Transforms.abs(output.sub(labels).muli(mask)).sumNumber().doubleValue() / n;
    }

    @Override
    protected INDArray gradient(INDArray output, INDArray labels, INDArray mask) {
        double n = mask.sumNumber().doubleValue();
        INDArray g = Transforms.sign(output.sub(labels)).muli(mask);
        return n == 0 ? g : g.divi(n);
    }

    @Override
    public String name() {
        return "l1";
    }
}
