package io.museflow.learn;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A native buffer in the network's precision that is kept and reused from one minibatch to the
 * next, and the matrix products on it. Why: a fresh native array of tens of megabytes is a fresh
 * mapping, and on a VM its page faults cost more than the product that fills it (JFR at 262 windows
 * in one batch: a fifth of the 4 × BiGRU epoch in ND4J's buffer allocation). Grown when a larger
 * minibatch arrives, never shrunk; the values cross to and from Java's double arrays in bulk.
 */
public final class NativeRows implements AutoCloseable {
    private final DataType type;
    private Pointer buffer;
    private long capacity;
    private float[] staging = new float[0];

    public NativeRows(DataType type) {
        this.type = checked(type);
    }

    public static DataType checked(DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("museflow's recurrent layers run in FLOAT or DOUBLE, not " + type);
        }
        return type;
    }

    /** The buffer, with room for at least {@code n} values (contents undefined after growth). */
    public Pointer ensure(long n) {
        if (n > capacity) {
            close();
            buffer = type == DataType.FLOAT ? new FloatPointer(n) : new DoublePointer(n);
            capacity = n;
        }
        return buffer;
    }

    /** Copies {@code src[0, n)} in, converting to the buffer's precision. */
    public Pointer put(double[] src, int n) {
        Pointer p = ensure(n);
        if (type == DataType.DOUBLE) {
            ((DoublePointer) p).position(0).put(src, 0, n);
        } else {
            float[] f = staging(n);
            for (int i = 0; i < n; i++) {
                f[i] = (float) src[i];
            }
            ((FloatPointer) p).position(0).put(f, 0, n);
        }
        return p;
    }

    /** Copies the first {@code n} values out into {@code dst}. */
    public void get(double[] dst, int n) {
        read(buffer, 0, type, dst, n, this);
    }

    private float[] staging(int n) {
        if (staging.length < n) {
            staging = new float[n];
        }
        return staging;
    }

    @Override
    public void close() {
        if (buffer != null) {
            buffer.close();
            buffer = null;
            capacity = 0;
        }
    }

    /** An ND4J array's values in c order as doubles, in one bulk copy (small arrays: weights, masks). */
    public static double[] read(INDArray a) {
        return read(a, null, null);
    }

    /**
     * An ND4J array's values in c order as doubles, in one bulk copy; into {@code reuse} when it is
     * large enough, converting through {@code pool}'s staging array (either may be null).
     */
    public static double[] read(INDArray a, double[] reuse, NativeRows pool) {
        INDArray c = contiguous(a);
        int n = (int) c.length();
        double[] out = reuse != null && reuse.length >= n ? reuse : new double[n];
        read(c.data().addressPointer(), start(c), checked(c.dataType()), out, n, pool);
        return out;
    }

    /**
     * Writes {@code src} into an ND4J array (c-order contiguous), converting to its precision
     * through {@code pool}'s staging array (may be null).
     */
    public static void write(double[] src, INDArray dst, NativeRows pool) {
        if (!isContiguous(dst)) {
            throw new IllegalArgumentException("write target must be a c-order contiguous array");
        }
        int n = (int) dst.length();
        if (checked(dst.dataType()) == DataType.DOUBLE) {
            new DoublePointer(dst.data().addressPointer()).position(start(dst)).put(src, 0, n);
        } else {
            float[] f = pool == null ? new float[n] : pool.staging(n);
            for (int i = 0; i < n; i++) {
                f[i] = (float) src[i];
            }
            new FloatPointer(dst.data().addressPointer()).position(start(dst)).put(f, 0, n);
        }
    }

    private static void read(Pointer base, long offset, DataType type, double[] dst, int n, NativeRows pool) {
        if (type == DataType.DOUBLE) {
            new DoublePointer(base).position(offset).get(dst, 0, n);
        } else {
            float[] f = pool == null ? new float[n] : pool.staging(n);
            new FloatPointer(base).position(offset).get(f, 0, n);
            for (int i = 0; i < n; i++) {
                dst[i] = f[i];
            }
        }
    }

    /**
     * Where the array's first element lies relative to its buffer's address pointer. In ND4J
     * 1.0.0-M2.1 a view's buffer pointer already includes the view's offset (so this is 0 there).
     */
    public static long start(INDArray a) {
        return a.offset() - a.data().offset();
    }

    /** c order, no gaps: the shape's strides are the dense row-major ones. */
    public static boolean isContiguous(INDArray a) {
        if (a.ordering() != 'c' || a.isEmpty()) {
            return false;
        }
        long[] stride = a.stride();
        long[] shape = a.shape();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] > 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** {@code a} itself when it is c-order contiguous, otherwise a c-order copy. */
    public static INDArray contiguous(INDArray a) {
        return isContiguous(a) ? a : a.dup('c');
    }

    /**
     * The array's buffer pointer for a BLAS call; its first element is {@link #start} elements
     * further on (callers add that to their offsets).
     */
    public static Pointer address(INDArray a) {
        if (!isContiguous(a)) {
            throw new IllegalArgumentException("BLAS operand must be a c-order contiguous array");
        }
        return a.data().addressPointer();
    }

    /**
     * {@code op(a) · op(b)} into a new c-order array, through OpenBLAS. Why not ND4J's {@code mmul}:
     * in ND4J 1.0.0-M2.1 a tall product such as {@code [52,400, 64] · [64, 64]} (every frame of a
     * batch of 262 windows through a weight matrix) took about ten times {@code cblas_sgemm}'s time
     * here (measured: 130 against 14 ms), and products of this kind are most of an attention
     * layer's work outside the attention itself.
     */
    public static INDArray mmul(INDArray a, boolean transA, INDArray b, boolean transB) {
        long m = transA ? a.size(1) : a.size(0);
        long n = transB ? b.size(0) : b.size(1);
        INDArray out = org.nd4j.linalg.factory.Nd4j.createUninitialized(a.dataType(), new long[]{m, n}, 'c');
        return mmul(a, transA, b, transB, 0.0, out);
    }

    /**
     * {@code out = op(a) · op(b) + beta · out}: 2-D arrays of one precision; {@code a} and {@code b}
     * c- or f-order contiguous (transposed views of weights are f-order), otherwise copied;
     * {@code out} c-order contiguous. Returns {@code out}.
     */
    public static INDArray mmul(INDArray a, boolean transA, INDArray b, boolean transB, double beta, INDArray out) {
        if (a.rank() != 2 || b.rank() != 2 || out.rank() != 2) {
            throw new IllegalArgumentException("mmul takes 2-D arrays, not " + a.rank() + "-D, " + b.rank() + "-D → "
                    + out.rank() + "-D");
        }
        DataType type = checked(out.dataType());
        if (a.dataType() != type || b.dataType() != type) {
            throw new IllegalArgumentException("mmul operands are " + a.dataType() + " and " + b.dataType()
                    + ", the output " + type);
        }
        long m = transA ? a.size(1) : a.size(0);
        long k = transA ? a.size(0) : a.size(1);
        long n = transB ? b.size(0) : b.size(1);
        long kb = transB ? b.size(1) : b.size(0);
        if (k != kb || out.size(0) != m || out.size(1) != n) {
            throw new IllegalArgumentException("mmul shapes do not fit: " + java.util.Arrays.toString(a.shape())
                    + (transA ? "ᵀ" : "") + " · " + java.util.Arrays.toString(b.shape()) + (transB ? "ᵀ" : "")
                    + " → " + java.util.Arrays.toString(out.shape()));
        }
        INDArray ra = rowMajor(a);
        INDArray rb = rowMajor(b);
        // An f-order [r, c] array is the row-major [c, r] array transposed.
        gemm(type, transA ^ isFortran(ra), transB ^ isFortran(rb), (int) m, (int) n, (int) k,
                ra.data().addressPointer(), start(ra), leading(ra), rb.data().addressPointer(), start(rb), leading(rb),
                beta, address(out), start(out), (int) n);
        return out;
    }

    /** {@code a} when it is c- or f-order contiguous, else a c-order copy. */
    private static INDArray rowMajor(INDArray a) {
        return isContiguous(a) || isFortran(a) ? a : a.dup('c');
    }

    /** A 2-D array laid out column by column without gaps (and not also row by row). */
    private static boolean isFortran(INDArray a) {
        if (a.rank() != 2 || a.isEmpty() || isContiguous(a)) {
            return false;
        }
        long[] stride = a.stride();
        return (a.size(0) == 1 || stride[0] == 1) && (a.size(1) == 1 || stride[1] == a.size(0));
    }

    /** Row length of the row-major matrix the array's memory holds. */
    private static int leading(INDArray a) {
        return (int) (isFortran(a) ? a.size(0) : a.size(1));
    }

    /**
     * Column sums of a {@code [rows, cols]} matrix as a new {@code [1, cols]} array of its type:
     * {@code 1ᵀ·A} through OpenBLAS's gemv, one pass over the matrix where it lies. ND4J's reduction
     * along the first dimension of a c-order matrix walks it column by column (a bias gradient of
     * 52,400 rows took about 10 ms); copying it to the Java heap and summing there was 2 % of an
     * attention + BiLSTM epoch at 262 windows.
     */
    public static INDArray columnSums(INDArray a) {
        if (a.rank() != 2) {
            throw new IllegalArgumentException("columnSums takes a 2-D array, not " + a.rank() + "-D");
        }
        INDArray c = contiguous(a);
        DataType type = checked(c.dataType());
        int rows = (int) c.size(0);
        int cols = (int) c.size(1);
        if (rows == 0) {
            return org.nd4j.linalg.factory.Nd4j.zeros(type, 1, cols);
        }
        INDArray ones = org.nd4j.linalg.factory.Nd4j.ones(type, rows);
        INDArray out = org.nd4j.linalg.factory.Nd4j.createUninitialized(type, new long[]{1, cols}, 'c');
        if (type == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans, rows, cols,
                    1f, new FloatPointer(address(c)).position(start(c)), cols,
                    new FloatPointer(address(ones)).position(start(ones)), 1, 0f,
                    new FloatPointer(address(out)).position(start(out)), 1);
        } else {
            openblas_nolapack.cblas_dgemv(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans, rows, cols,
                    1.0, new DoublePointer(address(c)).position(start(c)), cols,
                    new DoublePointer(address(ones)).position(start(ones)), 1, 0.0,
                    new DoublePointer(address(out)).position(start(out)), 1);
        }
        OffHeap.release(ones);
        if (c != a) {
            OffHeap.release(c);
        }
        return out;
    }

    /**
     * {@code C[cOff…] = op(A[aOff…]) · op(B[bOff…]) + beta · C}, row-major, through OpenBLAS in the
     * precision {@code type} (offsets in elements; {@code a}, {@code b}, {@code c} of that type).
     */
    public static void gemm(DataType type, boolean transA, boolean transB, int m, int n, int k,
                     Pointer a, long aOff, int lda, Pointer b, long bOff, int ldb, double beta,
                     Pointer c, long cOff, int ldc) {
        int ta = transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        if (type == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, 1f,
                    new FloatPointer(a).position(aOff), lda, new FloatPointer(b).position(bOff), ldb, (float) beta,
                    new FloatPointer(c).position(cOff), ldc);
        } else {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, 1.0,
                    new DoublePointer(a).position(aOff), lda, new DoublePointer(b).position(bOff), ldb, beta,
                    new DoublePointer(c).position(cOff), ldc);
        }
    }
}
