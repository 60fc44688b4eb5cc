package io.museflow.learn.attention;

import io.museflow.learn.HostRows;
import io.museflow.learn.NativeRows;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Layer normalization over the last dimension of a {@code [rows, d]} matrix:
 * {@code y = γ ⊙ (x − μ) / √(σ² + ε) + β}, with its explicit backward pass (DL4J M2.1 has no
 * layer-norm layer, and its SameDiff route doubles gradients: docs/deeplearning4j.md).
 * Row by row in Java, one pass each way: written as ND4J operations it took sixteen whole-matrix
 * operations, each a fresh native array, which at 52,400 frames cost more than the arithmetic.
 */
public final class LayerNormPass {
    public static final double EPS = 1e-5;

    private LayerNormPass() {
    }

    /** Normalized rows and 1/σ per row ({@code [rows, 1]}), kept for backward. */
    public record Cache(INDArray xHat, INDArray invStd) {
    }

    public static Cache normalize(INDArray x) {
        return normalize(x, new HostRows(x.dataType()), Nd4j.createUninitialized(x.dataType(), x.shape(), 'c'),
                Nd4j.createUninitialized(x.dataType(), new long[]{x.size(0), 1}, 'c'));
    }

    /**
     * Into {@code xHat} ({@code [rows, d]}) and {@code invStd} ({@code [rows, 1]}), c-order, with
     * {@code work} (the input's precision) holding the rows: no new copy of the rows per call.
     */
    public static Cache normalize(INDArray x, HostRows work, INDArray xHat, INDArray invStdOut) {
        int rows = (int) x.size(0);
        int d = (int) x.size(1);
        HostRows values = work.load(x);
        double[] invStd = new double[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * d;
            double mean = 0;
            for (int j = 0; j < d; j++) {
                mean += values.get(base + j);
            }
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++) {
                double c = values.get(base + j) - mean;
                var += c * c;
            }
            double inv = 1.0 / Math.sqrt(var / d + EPS);
            invStd[r] = inv;
            for (int j = 0; j < d; j++) {
                values.set(base + j, (values.get(base + j) - mean) * inv);
            }
        }
        values.store(xHat);
        NativeRows.write(invStd, invStdOut, null);
        return new Cache(xHat, invStdOut);
    }

    public static INDArray scale(Cache c, INDArray gamma, INDArray beta) {
        return c.xHat().mulRowVector(gamma).addiRowVector(beta);
    }

    /** {@link #scale(Cache, INDArray, INDArray)} into {@code out}. */
    public static INDArray scale(Cache c, INDArray gamma, INDArray beta, INDArray out) {
        return out.assign(c.xHat()).muliRowVector(gamma).addiRowVector(beta);
    }

    /** Returns {dx, dγ, dβ}. */
    public static INDArray[] backward(Cache c, INDArray dy, INDArray gamma) {
        return backward(c, dy, gamma, new HostRows(dy.dataType()), new HostRows(dy.dataType()),
                Nd4j.createUninitialized(dy.dataType(), c.xHat().shape(), 'c'));
    }

    /**
     * {dx, dγ, dβ} with dx in {@code dxOut} (c-order, the rows' shape) and two work buffers (the
     * gradient's precision): no new copies of the rows per call.
     */
    public static INDArray[] backward(Cache c, INDArray dy, INDArray gamma, HostRows work1, HostRows work2,
                                      INDArray dxOut) {
        int rows = (int) c.xHat().size(0);
        int d = (int) c.xHat().size(1);
        HostRows xHat = work1.load(c.xHat());
        HostRows grad = work2.load(dy);
        double[] g = NativeRows.read(gamma);
        double[] invStd = NativeRows.read(c.invStd());
        double[] dGamma = new double[d];
        double[] dBeta = new double[d];
        double[] dxHat = new double[d];
        for (int r = 0; r < rows; r++) {
            int base = r * d;
            // dx = invStd/d · (d·dxHat − Σ dxHat − xHat·Σ(dxHat ⊙ xHat)), with dxHat = dy ⊙ γ
            double sum = 0;
            double dot = 0;
            for (int j = 0; j < d; j++) {
                double dyj = grad.get(base + j);
                double xh = xHat.get(base + j);
                dGamma[j] += dyj * xh;
                dBeta[j] += dyj;
                double v = dyj * g[j];
                dxHat[j] = v;
                sum += v;
                dot += v * xh;
            }
            double k = invStd[r] / d;
            for (int j = 0; j < d; j++) {
                grad.set(base + j, k * (d * dxHat[j] - sum - xHat.get(base + j) * dot));
            }
        }
        grad.store(dxOut);
        INDArray dg = Nd4j.createUninitialized(dy.dataType(), new long[]{1, d}, 'c');
        NativeRows.write(dGamma, dg, null);
        INDArray db = Nd4j.createUninitialized(dy.dataType(), new long[]{1, d}, 'c');
        NativeRows.write(dBeta, db, null);
        return new INDArray[]{dxOut, dg, db};
    }
}
