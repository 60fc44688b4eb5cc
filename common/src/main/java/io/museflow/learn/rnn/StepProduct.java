package io.museflow.learn.rnn;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The small matrix product a recurrent step needs ({@code [m, k] × [k, n]}, row-major doubles),
 * straight through OpenBLAS's {@code cblas_dgemm} on native buffers allocated once per pass; the
 * right-hand matrix (the recurrent weights) is copied in once. ND4J's BLAS wrapper builds an op
 * object for every call and copies through per-element buffer accessors: a JFR profile of the
 * 4 × BiGRU benchmark had half its Java samples there.
 */
final class StepProduct implements AutoCloseable {
    private final int m;
    private final int k;
    private final int n;
    private final DoublePointer left;
    private final DoublePointer right;
    private final DoublePointer result;

    StepProduct(double[] rightRowMajor, int m, int k, int n) {
        if (rightRowMajor.length != k * n) {
            throw new IllegalArgumentException("right matrix of " + rightRowMajor.length + " values is not " + k + " × " + n);
        }
        this.m = m;
        this.k = k;
        this.n = n;
        this.left = new DoublePointer((long) m * k);
        this.right = new DoublePointer(rightRowMajor);
        this.result = new DoublePointer((long) m * n);
    }

    /** {@code out[0, m·n) = a[from, from + m·k) × right}. */
    void multiply(double[] a, int from, double[] out) {
        left.position(0).put(a, from, m * k);
        openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasNoTrans, m, n, k, 1.0, left, k, right, n, 0.0, result, n);
        result.position(0).get(out, 0, m * n);
    }

    @Override
    public void close() {
        left.close();
        right.close();
        result.close();
    }
}
