package io.museflow.learn.rnn;

import io.museflow.learn.HostRows;
import io.museflow.learn.NativeRows;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The small matrix product a recurrent step needs ({@code [m, k] × [k, n]}, row-major), straight
 * through OpenBLAS on native buffers allocated once per pass, in the network's precision; the
 * right-hand matrix (the recurrent weights) is copied in once. ND4J's BLAS wrapper builds an op
 * object for every call and copies through per-element buffer accessors: a JFR profile of the
 * 4 × BiGRU benchmark had half its Java samples there.
 */
final class StepProduct implements AutoCloseable {
    private final DataType type;
    private final int m;
    private final int k;
    private final int n;
    private final NativeRows left;
    private final NativeRows right;
    private final NativeRows result;

    StepProduct(DataType type, double[] rightRowMajor, int m, int k, int n) {
        if (rightRowMajor.length != k * n) {
            throw new IllegalArgumentException("right matrix of " + rightRowMajor.length + " values is not " + k + " × " + n);
        }
        this.type = type;
        this.m = m;
        this.k = k;
        this.n = n;
        this.left = new NativeRows(type);
        this.right = new NativeRows(type);
        this.result = new NativeRows(type);
        right.put(rightRowMajor, k * n);
        left.ensure((long) m * k);
        result.ensure((long) m * n);
    }

    /**
     * {@code out[0, m·n) = a[0, m·k) × right}, with {@code a} copied to {@code rows} at {@code at} and
     * left there: a pass that gives each step its own place keeps every step's left-hand rows in
     * native memory for a product over all of them after the time loop. {@code rows} null: this
     * product's own scratch ({@code at} ignored).
     */
    void multiply(double[] a, Pointer rows, long at, HostRows out) {
        Pointer to = rows == null ? left.ensure(0) : rows;
        long from = rows == null ? 0 : at;
        new DoublePointer(to).position(from).put(a, 0, m * k);
        multiplyLoaded(to, from, out);
    }

    /** {@link #multiply(double[], Pointer, long, HostRows)} for a float product. */
    void multiply(float[] a, Pointer rows, long at, HostRows out) {
        Pointer to = rows == null ? left.ensure(0) : rows;
        long from = rows == null ? 0 : at;
        new FloatPointer(to).position(from).put(a, 0, m * k);
        multiplyLoaded(to, from, out);
    }

    /** {@link #multiply(double[], Pointer, long, HostRows)} from host rows. */
    void multiply(HostRows a, Pointer rows, long at, HostRows out) {
        Pointer to = rows == null ? left.ensure(0) : rows;
        long from = rows == null ? 0 : at;
        a.store(to, from, m * k);
        multiplyLoaded(to, from, out);
    }

    private void multiplyLoaded(Pointer a, long at, HostRows out) {
        NativeRows.gemm(type, false, false, m, n, k, a, at, k, right.ensure(0), 0, n, 0.0, result.ensure(0), 0, n);
        out.load(result.ensure(0), 0, m * n);
    }

    @Override
    public void close() {
        left.close();
        right.close();
        result.close();
    }
}
