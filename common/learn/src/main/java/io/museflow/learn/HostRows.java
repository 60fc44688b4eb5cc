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

    private void checkType(INDArray a) {
        if (a.dataType() != type) {
            throw new IllegalArgumentException("array of " + a.dataType() + " for rows of " + type);
        }
    }
}
