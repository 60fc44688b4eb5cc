package io.museflow.learn.attention;

import io.museflow.learn.HostRows;
import io.museflow.learn.OffHeap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Layer normalization over the last dimension of a {@code [rows, d]} matrix:
 * {@code y = γ ⊙ (x − μ) / √(σ² + ε) + β}, with its explicit backward pass (DL4J M2.1 has no
 * layer-norm layer, and its SameDiff route doubles gradients: docs/deeplearning4j.md).
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
        INDArray squares = centered.mul(centered);
        INDArray var = squares.mean(true, 1);
        INDArray invStd = Transforms.pow(var.addi(EPS), -0.5, false);
        OffHeap.release(mean, squares);
        return new Cache(centered.muliColumnVector(invStd), invStd);
    }

    public static INDArray scale(Cache c, INDArray gamma, INDArray beta) {
        return c.xHat().mulRowVector(gamma).addiRowVector(beta);
    }

    /** Returns {dx, dγ, dβ}. */
    public static INDArray[] backward(Cache c, INDArray dy, INDArray gamma) {
        long d = c.xHat().size(1);
        INDArray dyXHat = dy.mul(c.xHat());
        INDArray dGamma = HostRows.columnSums(dyXHat);
        INDArray dBeta = HostRows.columnSums(dy);
        INDArray dxHat = dy.mulRowVector(gamma);
        // dx = (1/d)·invStd·(d·dxHat − Σ dxHat − xHat·Σ(dxHat ⊙ xHat))
        INDArray sum = dxHat.sum(true, 1);
        INDArray dxHatXHat = dxHat.mul(c.xHat());
        INDArray dot = dxHatXHat.sum(true, 1);
        INDArray xHatDot = c.xHat().mulColumnVector(dot);
        INDArray dx = dxHat.muli(d).subiColumnVector(sum).subi(xHatDot).muliColumnVector(c.invStd()).divi(d);
        OffHeap.release(dyXHat, dxHatXHat, xHatDot, sum, dot);
        return new INDArray[]{dx, dGamma, dBeta};
    }
}
