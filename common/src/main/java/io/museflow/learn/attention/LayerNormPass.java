package io.museflow.learn.attention;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Layer normalization over the last dimension of a {@code [rows, d]} matrix:
 * {@code y = γ ⊙ (x − μ) / √(σ² + ε) + β}, with its explicit backward pass (DL4J M2.1 has no
 * layer-norm layer, and its SameDiff route doubles gradients: stack.md defects 1 and 7).
 */
public final class LayerNormPass {
    public static final double EPS = 1e-5;

    private LayerNormPass() {
    }

    /** Normalized rows and 1/σ per row, kept for backward. */
    public record Cache(INDArray xHat, INDArray invStd) {
    }

    public static Cache normalize(INDArray x) {
        INDArray mean = x.mean(true, 1);
        INDArray centered = x.subColumnVector(mean);
        INDArray var = centered.mul(centered).mean(true, 1);
        INDArray invStd = Transforms.pow(var.addi(EPS), -0.5, false);
        return new Cache(centered.muliColumnVector(invStd), invStd);
    }

    public static INDArray scale(Cache c, INDArray gamma, INDArray beta) {
        return c.xHat().mulRowVector(gamma).addiRowVector(beta);
    }

    /** Returns {dx, dγ, dβ}. */
    public static INDArray[] backward(Cache c, INDArray dy, INDArray gamma) {
        long d = c.xHat().size(1);
        INDArray dGamma = dy.mul(c.xHat()).sum(true, 0);
        INDArray dBeta = dy.sum(true, 0);
        INDArray dxHat = dy.mulRowVector(gamma);
        // dx = (1/d)·invStd·(d·dxHat − Σ dxHat − xHat·Σ(dxHat ⊙ xHat))
        INDArray sum = dxHat.sum(true, 1);
        INDArray dot = dxHat.mul(c.xHat()).sum(true, 1);
        INDArray dx = dxHat.mul(d).subiColumnVector(sum).subi(c.xHat().mulColumnVector(dot))
                .muliColumnVector(c.invStd()).divi(d);
        return new INDArray[]{dx, dGamma, dBeta};
    }
}
