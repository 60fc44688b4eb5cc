package io.museflow.learn;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A growable Java array in the network's precision, for the loops of museflow's layers: floats for
 * a float network (half the memory of doubles, and copies to and from native buffers without
 * conversion: JFR had a fifth of a recurrent pass converting), doubles for a double network (the
 * gradient checks need every digit). Exactly one of {@link #floats()} and {@link #doubles()} is
 * non-null; loops take the array of their precision.
 */
public final class HostRows {
    private final DataType type;
    private float[] f;
    private double[] d;

    public HostRows(DataType type) {
        this.type = NativeRows.checked(type);
        if (type == DataType.FLOAT) {
            f = new float[0];
        } else {
            d = new double[0];
        }
    }

    public DataType type() {
        return type;
    }

    /** Room for at least {@code n} values (contents undefined after growth). */
    public HostRows ensure(int n) {
        if (f != null && f.length < n) {
            f = new float[n];
        } else if (d != null && d.length < n) {
            d = new double[n];
        }
        return this;
    }

    /** The values of a float network, else null. */
    public float[] floats() {
        return f;
    }

    /** The values of a double network, else null. */
    public double[] doubles() {
        return d;
    }

    public double get(int i) {
        return f != null ? f[i] : d[i];
    }

    public void set(int i, double v) {
        if (f != null) {
            f[i] = (float) v;
        } else {
            d[i] = v;
        }
    }

    /** Sets {@code [from, to)} to 0. */
    public void clear(int from, int to) {
        if (f != null) {
            java.util.Arrays.fill(f, from, to, 0f);
        } else {
            java.util.Arrays.fill(d, from, to, 0.0);
        }
    }

    /** Copies native values {@code [from, from + n)} (of this precision) into {@code [0, n)}. */
    public HostRows load(Pointer src, long from, int n) {
        ensure(n);
        if (f != null) {
            new FloatPointer(src).position(from).get(f, 0, n);
        } else {
            new DoublePointer(src).position(from).get(d, 0, n);
        }
        return this;
    }

    /** Copies {@code [0, n)} to native positions {@code [at, at + n)} (of this precision). */
    public void store(Pointer dst, long at, int n) {
        if (f != null) {
            new FloatPointer(dst).position(at).put(f, 0, n);
        } else {
            new DoublePointer(dst).position(at).put(d, 0, n);
        }
    }

    /** An ND4J array's values (c-order contiguous, this precision) into {@code [0, length)}. */
    public HostRows load(INDArray a) {
        INDArray c = NativeRows.contiguous(a);
        checkType(c);
        return load(c.data().addressPointer(), NativeRows.start(c), (int) c.length());
    }

    /** {@code [0, length)} into an ND4J array (c-order contiguous, this precision). */
    public void store(INDArray a) {
        checkType(a);
        store(NativeRows.address(a), NativeRows.start(a), (int) a.length());
    }

    /** Moves value {@code from} of {@code src} to {@code to} of {@code dst} (same precision). */
    public static void copy(HostRows src, int from, HostRows dst, int to) {
        if (src.f != null) {
            dst.f[to] = src.f[from];
        } else {
            dst.d[to] = src.d[from];
        }
    }

    /**
     * Column sums of a {@code [rows, cols]} matrix as a {@code [1, cols]} array of its type, summed
     * in double in Java: ND4J's reduction along the first dimension of a c-order matrix walks it
     * column by column (a bias gradient of 52,400 rows took about 10 ms).
     */
    public static INDArray columnSums(INDArray a) {
        return columnSums(a, null);
    }

    /** {@link #columnSums(INDArray)} reading the matrix through {@code work} (its precision; null: a new one). */
    public static INDArray columnSums(INDArray a, HostRows work) {
        INDArray c = NativeRows.contiguous(a);
        int rows = (int) c.size(0);
        int cols = (int) c.size(1);
        HostRows values = (work != null ? work : new HostRows(c.dataType())).load(c);
        double[] sums = new double[cols];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                sums[j] += values.get(base + j);
            }
        }
        INDArray out = org.nd4j.linalg.factory.Nd4j.createUninitialized(c.dataType(), new long[]{1, cols}, 'c');
        NativeRows.write(sums, out, null);
        return out;
    }

    private void checkType(INDArray a) {
        if (a.dataType() != type) {
            throw new IllegalArgumentException("array of " + a.dataType() + " for rows of " + type);
        }
    }
}
