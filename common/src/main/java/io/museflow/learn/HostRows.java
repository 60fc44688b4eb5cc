package io.museflow.learn;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A growable Java array of values in the network's precision, for the loops of museflow's layers.
 * A float network stores floats: half the memory of doubles, and copies to and from native
 * buffers without conversion (JFR: a fifth of a recurrent pass went to converting). A double
 * network (the gradient checks) stores each value as a float pair {@code hi + lo}, good to about
 * 2⁻⁴⁸ relatively, so one set of loops serves both. Loops read and write through
 * {@link #at} and {@link #set} on the arrays themselves ({@code lo} is null for floats).
 */
public final class HostRows {
    private final DataType type;
    private float[] hi = new float[0];
    private float[] lo;
    private double[] staging = new double[0];

    public HostRows(DataType type) {
        this.type = NativeRows.checked(type);
        this.lo = type == DataType.DOUBLE ? new float[0] : null;
    }

    /** Room for at least {@code n} values (contents undefined after growth). */
    public HostRows ensure(int n) {
        if (hi.length < n) {
            hi = new float[n];
            if (lo != null) {
                lo = new float[n];
            }
        }
        return this;
    }

    public float[] hi() {
        return hi;
    }

    /** Null for a float network. */
    public float[] lo() {
        return lo;
    }

    public static double at(float[] hi, float[] lo, int i) {
        return lo == null ? hi[i] : hi[i] + (double) lo[i];
    }

    public static void set(float[] hi, float[] lo, int i, double v) {
        float f = (float) v;
        hi[i] = f;
        if (lo != null) {
            lo[i] = (float) (v - f);
        }
    }

    /** Sets {@code [from, to)} to 0. */
    public void clear(int from, int to) {
        java.util.Arrays.fill(hi, from, to, 0f);
        if (lo != null) {
            java.util.Arrays.fill(lo, from, to, 0f);
        }
    }

    /** Copies native values {@code [from, from + n)} (of this precision) into {@code [0, n)}. */
    public HostRows load(Pointer src, long from, int n) {
        ensure(n);
        if (lo == null) {
            new FloatPointer(src).position(from).get(hi, 0, n);
        } else {
            double[] d = staging(n);
            new DoublePointer(src).position(from).get(d, 0, n);
            for (int i = 0; i < n; i++) {
                set(hi, lo, i, d[i]);
            }
        }
        return this;
    }

    /** Copies {@code [0, n)} to native positions {@code [at, at + n)} (of this precision). */
    public void store(Pointer dst, long at, int n) {
        if (lo == null) {
            new FloatPointer(dst).position(at).put(hi, 0, n);
        } else {
            double[] d = staging(n);
            for (int i = 0; i < n; i++) {
                d[i] = hi[i] + (double) lo[i];
            }
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

    private void checkType(INDArray a) {
        if (a.dataType() != type) {
            throw new IllegalArgumentException("array of " + a.dataType() + " for rows of " + type);
        }
    }

    private double[] staging(int n) {
        if (staging.length < n) {
            staging = new double[n];
        }
        return staging;
    }
}
