package io.museflow.learn.attention;

import io.museflow.learn.FloatMath;
import io.museflow.learn.HostRows;
import io.museflow.learn.KeptArrays;
import io.museflow.learn.NativeRows;
import io.museflow.learn.Simd;
import io.museflow.learn.TwoWay;
import io.museflow.learn.VectorMath;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sun et al.'s attention block, {@code S = LayerNorm(X + MHA(X))}, over a batch of padded
 * sequences, with explicit backpropagation (DL4J's SelfAttentionLayer returns doubled gradients and
 * swaps fan-in/fan-out: docs/deeplearning4j.md).
 *
 * <p>Layout: rows are {@code b·T + t}, i.e. {@code x} is {@code [mb·T, d]}, the mask {@code [mb·T, 1]}.
 * The projections are one ND4J product over all rows. Scaled dot-product attention runs per
 * (sequence, head) pair straight on those rows: a head is a column block of {@code q}, {@code k},
 * {@code v} (leading dimension {@code d}), so each pair is a few OpenBLAS calls with no head
 * split or merge copies, and the softmax is a Java loop over that pair's {@code [T, T]} scores.
 * The softmax weights live in a native buffer the layer reuses from one minibatch to the next
 * ({@link Buffers}): ND4J's fresh {@code [mb·heads, T, T]} temporaries cost more in page faults than
 * the products (JFR, BENCHMARKS.md). Padded keys get no attention weight (key padding mask),
 * padded queries attend to nothing, padded rows of the output are 0: padding changes neither real
 * outputs nor any gradient.
 */
public final class AttentionPass {
    /** Float softmax rows on {@link VectorMath} (the Vector API) rather than plain loops. */
    private static final boolean SIMD = Simd.ENABLED;

    private final int heads;

    public AttentionPass(int heads) {
        this.heads = heads;
    }

    /** The block's {@code [mb·T, d]} intermediates, each in its own kept buffer. */
    enum Slot { W_QKV, B_QKV, QKV, CONTEXT, RESIDUAL, X_HAT, INV_STD, OUT, D_S, D_R, D_CONTEXT, DQKV, DX }

    /**
     * What a layer reuses between minibatches: the kept softmax weights, per-pair scratch for each
     * of the two halves of the minibatch (they run side by side when the trial has two threads),
     * and the block's intermediates ({@link KeptArrays}: a fresh native array of this size costs a
     * zero fill and page faults every minibatch). So a {@link Cache}'s arrays and its output are
     * valid until the next forward pass with the same buffers.
     */
    public static final class Buffers implements AutoCloseable {
        private final KeptArrays<Slot> arrays = new KeptArrays<>(Slot.class);
        private DataType type;
        private NativeRows weights;
        private final Scratch[] halves = new Scratch[2];
        /**
         * Whole-minibatch rows in Java (layer norm, column sums, the softmax row dots), kept: at 262
         * windows each is 13 MB, and a fresh one per use is old-generation garbage for the collector.
         */
        private final HostRows[] rows = new HostRows[2];

        void prepare(DataType t, int steps) {
            if (weights == null || t != type) {
                close();
                type = t;
                weights = new NativeRows(t);
                halves[0] = new Scratch(t);
                halves[1] = new Scratch(t);
                rows[0] = new HostRows(t);
                rows[1] = new HostRows(t);
            }
        }

        INDArray kept(Slot slot, long rows, long cols) {
            return arrays.get(slot, type, rows, cols);
        }

        @Override
        public void close() {
            arrays.close();
            if (weights != null) {
                weights.close();
                halves[0].rows.close();
                halves[1].rows.close();
                weights = null;
            }
        }
    }

    /** One pair's scores in native memory and in Java, and their gradient. */
    private static final class Scratch {
        final NativeRows rows;
        final HostRows pair;
        final HostRows pairGrad;

        Scratch(DataType type) {
            rows = new NativeRows(type);
            pair = new HostRows(type);
            pairGrad = new HostRows(type);
        }
    }

    /** Work on the sequences {@code [from, to)} with one half's scratch. */
    private interface SequenceRange {
        void run(int from, int to, Scratch scratch);
    }

    /** Both halves of the minibatch, side by side when the trial may use two threads. */
    private static void halves(int mb, Buffers buffers, SequenceRange work) {
        // (One sequence, e.g. a whole video at inference: all of it in the second half.)
        int mid = mb / 2;
        TwoWay.run(() -> work.run(0, mid, buffers.halves[0]), () -> work.run(mid, mb, buffers.halves[1]));
    }

    public static final class Cache {
        final INDArray x;
        final INDArray mask;
        final double[] rowMask;
        final int mb;
        final int steps;
        final INDArray qkv;       // [mb·T, 3·d]: Q, K and V side by side
        final Buffers buffers;    // its weights: [mb·heads·T·T] softmax weights while keptWeights
        final boolean keptWeights;
        final INDArray context;   // [mb·T, d]
        final LayerNormPass.Cache norm;
        final INDArray out;

        Cache(INDArray x, INDArray mask, double[] rowMask, int mb, int steps, INDArray qkv,
              Buffers buffers, boolean keptWeights, INDArray context, LayerNormPass.Cache norm, INDArray out) {
            this.x = x;
            this.mask = mask;
            this.rowMask = rowMask;
            this.mb = mb;
            this.steps = steps;
            this.qkv = qkv;
            this.buffers = buffers;
            this.keptWeights = keptWeights;
            this.context = context;
            this.norm = norm;
            this.out = out;
        }

        public INDArray output() {
            return out;
        }

        /** The rows the block ran on. */
        public INDArray input() {
            return x;
        }
    }

    /** Gradients in the order of {@link AttentionParams}, plus the input's. */
    public record Gradients(INDArray dx, INDArray dwq, INDArray dbq, INDArray dwk, INDArray dbk, INDArray dwv,
                            INDArray dbv, INDArray dwo, INDArray dbo, INDArray dGamma, INDArray dBeta) {
    }

    public Cache forward(INDArray x, INDArray mask, int mb, AttentionParams p) {
        return forward(x, mask, mb, p, true, new Buffers());
    }

    public Cache forward(INDArray x, INDArray mask, int mb, AttentionParams p, boolean keepWeights) {
        return forward(x, mask, mb, p, keepWeights, new Buffers());
    }

    /**
     * With {@code keepWeights} false (inference) only one pair's {@code [T, T]} weights exist at a
     * time (a 6,000-frame video has 36 M scores per head) and backward is not possible.
     */
    public Cache forward(INDArray x, INDArray mask, int mb, AttentionParams p, boolean keepWeights, Buffers buffers) {
        int steps = (int) (x.size(0) / mb);
        int d = (int) x.size(1);
        if (d % heads != 0) {
            throw new IllegalArgumentException("model width " + d + " is not divisible by " + heads + " heads");
        }
        int dh = d / heads;
        double scale = 1.0 / Math.sqrt(dh);
        DataType type = NativeRows.checked(x.dataType());
        buffers.prepare(type, steps);
        long rows = (long) mb * steps;
        // Q, K and V from one product with the three weights side by side: x is read once and the
        // product is 3·d wide (three d-wide ones were 3 % of an attention + BiLSTM epoch).
        INDArray qkv = NativeRows.mmul(x, false, stackedWeights(p, d, buffers), false, 0.0,
                buffers.kept(Slot.QKV, rows, 3L * d)).addiRowVector(stackedBiases(p, d, buffers));
        int ld = 3 * d;
        double[] rowMask = NativeRows.read(mask);
        INDArray context = buffers.kept(Slot.CONTEXT, rows, d);
        long pairSize = (long) steps * steps;
        Pointer kept = keepWeights ? buffers.weights.ensure((long) mb * heads * pairSize) : null;
        Pointer qkvp = NativeRows.address(qkv);
        Pointer cp = NativeRows.address(context);
        long q0 = NativeRows.start(qkv);
        long k0 = q0 + d;
        long v0 = q0 + 2L * d;
        long c0 = NativeRows.start(context);
        halves(mb, buffers, (from, to, scratch) -> {
            HostRows a = scratch.pair;
            if (from == to) {
                return;
            }
            // Scores go to the half's scratch, which stays in cache, not into the kept weights: with
            // beta 0 OpenBLAS first clears its output, and the kept weights (168 MB at 262 windows)
            // would be cleared in memory, a pair at a time (4 % of an epoch, async-profiler).
            Pointer scores = scratch.rows.ensure(pairSize);
            Pointer weights = keepWeights ? kept : scores;
            for (int b = from; b < to; b++) {
                for (int h = 0; h < heads; h++) {
                    long off = (long) b * steps * d + (long) h * dh;
                    long offQkv = (long) b * steps * ld + (long) h * dh;
                    long w0 = keepWeights ? ((long) b * heads + h) * pairSize : 0;
                    NativeRows.gemm(type, false, true, steps, steps, dh, qkvp, q0 + offQkv, ld, qkvp, k0 + offQkv, ld,
                            0.0, scores, 0, steps);
                    a.load(scores, 0, (int) pairSize);
                    if (a.floats() != null) {
                        softmaxRows(a.floats(), rowMask, b * steps, steps, (float) scale);
                    } else {
                        softmaxRows(a.doubles(), rowMask, b * steps, steps, scale);
                    }
                    a.store(weights, w0, (int) pairSize);
                    NativeRows.gemm(type, false, false, steps, dh, steps, weights, w0, steps, qkvp, v0 + offQkv, ld,
                            0.0, cp, c0 + off, d);
                }
            }
        });
        INDArray residual = NativeRows.mmul(context, false, p.wo(), false, 0.0, buffers.kept(Slot.RESIDUAL, rows, d))
                .addiRowVector(p.bo()).addi(x);
        LayerNormPass.Cache norm = LayerNormPass.normalize(residual, buffers.rows[0], buffers.kept(Slot.X_HAT, rows, d),
                buffers.kept(Slot.INV_STD, rows, 1));
        INDArray out = LayerNormPass.scale(norm, p.gamma(), p.beta(), buffers.kept(Slot.OUT, rows, d))
                .muliColumnVector(mask);
        return new Cache(x, mask, rowMask, mb, steps, qkv, buffers, keepWeights, context, norm, out);
    }

    /** {@code [Wq Wk Wv]}, {@code [d, 3·d]}, in a kept buffer (the parameters lie apart, each with its bias). */
    private static INDArray stackedWeights(AttentionParams p, int d, Buffers buffers) {
        INDArray w = buffers.kept(Slot.W_QKV, d, 3L * d);
        columns(w, 0, d).assign(p.wq());
        columns(w, d, 2 * d).assign(p.wk());
        columns(w, 2 * d, 3 * d).assign(p.wv());
        return w;
    }

    /** {@code [bq bk bv]}, {@code [1, 3·d]}, in a kept buffer. */
    private static INDArray stackedBiases(AttentionParams p, int d, Buffers buffers) {
        INDArray b = buffers.kept(Slot.B_QKV, 1, 3L * d);
        columns(b, 0, d).assign(p.bq().reshape(1, d));
        columns(b, d, 2 * d).assign(p.bk().reshape(1, d));
        columns(b, 2 * d, 3 * d).assign(p.bv().reshape(1, d));
        return b;
    }

    /** Columns {@code [from, to)} of a 2-D array (a view). */
    private static INDArray columns(INDArray a, int from, int to) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }

    /**
     * Softmax over the real keys of each real query row of one pair's scores ({@code s[i·T + j]},
     * scaled here); weights of padded keys and whole rows of padded queries are 0.
     */
    private static void softmaxRows(double[] s, double[] rowMask, int first, int steps, double scale) {
        for (int i = 0; i < steps; i++) {
            int row = i * steps;
            if (rowMask[first + i] == 0) {
                java.util.Arrays.fill(s, row, row + steps, 0.0);
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < steps; j++) {
                if (rowMask[first + j] != 0) {
                    max = Math.max(max, s[row + j] * scale);
                }
            }
            double sum = 0;
            for (int j = 0; j < steps; j++) {
                double e = rowMask[first + j] != 0 ? Math.exp(s[row + j] * scale - max) : 0.0;
                s[row + j] = e;
                sum += e;
            }
            double inv = 1.0 / sum;
            for (int j = 0; j < steps; j++) {
                s[row + j] *= inv;
            }
        }
    }

    /**
     * {@link #softmaxRows(double[], double[], int, int, double)} for float networks, as loops C2
     * vectorizes ({@link FloatMath#expNonPositive}). A loop that reads a second array at another
     * offset (a key mask) is not vectorized by C2 here (7 instead of 1.4 ns per score, measured), so
     * a sequence whose padding is all at its end ({@code length} real frames, the usual case) runs
     * over its real keys only; any other mask takes the general loops.
     */
    private static void softmaxRows(float[] s, double[] rowMask, int first, int steps, float scale) {
        int length = tailLength(rowMask, first, steps);
        if (length < 0) {
            softmaxRowsMasked(s, rowMask, first, steps, scale);
            return;
        }
        for (int i = 0; i < steps; i++) {
            int row = i * steps;
            if (i >= length) {
                java.util.Arrays.fill(s, row, row + steps, 0f);
                continue;
            }
            if (SIMD) {
                VectorMath.softmax(s, row, length, scale);
                java.util.Arrays.fill(s, row + length, row + steps, 0f);
                continue;
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < length; j++) {
                float v = s[row + j];
                if (v > max) {
                    max = v;
                }
            }
            float shift = max * scale;
            for (int j = 0; j < length; j++) {
                s[row + j] = FloatMath.expNonPositive(s[row + j] * scale - shift);
            }
            float inv = 1f / sum(s, row, length);
            for (int j = 0; j < length; j++) {
                s[row + j] *= inv;
            }
            java.util.Arrays.fill(s, row + length, row + steps, 0f);
        }
    }

    /**
     * {@code s[from, from + n)} summed in eight independent lanes: C2 keeps a float sum's order, so
     * one accumulator is a chain of dependent additions (a fifth of the softmax, measured).
     */
    private static float sum(float[] s, int from, int n) {
        float a0 = 0;
        float a1 = 0;
        float a2 = 0;
        float a3 = 0;
        float a4 = 0;
        float a5 = 0;
        float a6 = 0;
        float a7 = 0;
        int j = from;
        int end = from + n;
        for (; j + 8 <= end; j += 8) {
            a0 += s[j];
            a1 += s[j + 1];
            a2 += s[j + 2];
            a3 += s[j + 3];
            a4 += s[j + 4];
            a5 += s[j + 5];
            a6 += s[j + 6];
            a7 += s[j + 7];
        }
        float total = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
        for (; j < end; j++) {
            total += s[j];
        }
        return total;
    }

    /** Real frames of the sequence when all its padding is at the end, else -1. */
    private static int tailLength(double[] rowMask, int first, int steps) {
        int length = 0;
        while (length < steps && rowMask[first + length] != 0) {
            length++;
        }
        for (int t = length; t < steps; t++) {
            if (rowMask[first + t] != 0) {
                return -1;
            }
        }
        return length;
    }

    private static void softmaxRowsMasked(float[] s, double[] rowMask, int first, int steps, float scale) {
        for (int i = 0; i < steps; i++) {
            int row = i * steps;
            if (rowMask[first + i] == 0) {
                java.util.Arrays.fill(s, row, row + steps, 0f);
                continue;
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < steps; j++) {
                if (rowMask[first + j] != 0 && s[row + j] > max) {
                    max = s[row + j];
                }
            }
            float sum = 0;
            for (int j = 0; j < steps; j++) {
                float e = rowMask[first + j] != 0 ? FloatMath.expNonPositive(s[row + j] * scale - max * scale) : 0f;
                s[row + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < steps; j++) {
                s[row + j] *= inv;
            }
        }
    }

    /** {@code dA ← A ⊙ (dA − dot_i) · scale} row by row, in the rows' precision. */
    private static void softmaxBackward(HostRows a, HostRows dA, double[] rowDot, int dot0, int dotStride, int steps,
                                        double scale) {
        if (a.floats() != null) {
            float[] af = a.floats();
            float[] df = dA.floats();
            float sc = (float) scale;
            for (int i = 0; i < steps; i++) {
                float dot = (float) rowDot[dot0 + i * dotStride];
                int row = i * steps;
                for (int j = 0; j < steps; j++) {
                    df[row + j] = af[row + j] * (df[row + j] - dot) * sc;
                }
            }
            return;
        }
        double[] ad = a.doubles();
        double[] dd = dA.doubles();
        for (int i = 0; i < steps; i++) {
            double dot = rowDot[dot0 + i * dotStride];
            int row = i * steps;
            for (int j = 0; j < steps; j++) {
                dd[row + j] = ad[row + j] * (dd[row + j] - dot) * scale;
            }
        }
    }

    public Gradients backward(Cache c, INDArray dOut, AttentionParams p) {
        if (!c.keptWeights) {
            throw new IllegalStateException("backward needs a forward pass that kept its attention weights");
        }
        int mb = c.mb;
        int steps = c.steps;
        int d = (int) c.x.size(1);
        int dh = d / heads;
        double scale = 1.0 / Math.sqrt(dh);
        DataType type = c.qkv.dataType();
        Buffers buffers = c.buffers;
        long rows = (long) mb * steps;
        INDArray dS = buffers.kept(Slot.D_S, rows, d).assign(dOut).muliColumnVector(c.mask);
        HostRows work0 = buffers.rows[0];
        HostRows work1 = buffers.rows[1];
        INDArray[] ln = LayerNormPass.backward(c.norm, dS, p.gamma(), work0, work1, buffers.kept(Slot.D_R, rows, d));
        INDArray dR = ln[0];
        INDArray dwo = NativeRows.mmul(c.context, true, dR, false);
        INDArray dbo = NativeRows.columnSums(dR);
        INDArray dContext = NativeRows.mmul(dR, false, p.wo(), true, 0.0, buffers.kept(Slot.D_CONTEXT, rows, d));
        // Softmax backward per row: dScores = A ⊙ (dA − Σ_j dA_ij·A_ij); the sum is dC_i · C_i per
        // head (Σ_j A_ij (dC_i · v_j) with C = A·V): no second [T, T] product.
        HostRows dC = work0.load(dContext);
        HostRows ctx = work1.load(c.context);
        double[] rowDot = new double[mb * steps * heads];
        for (int r = 0; r < mb * steps; r++) {
            for (int h = 0; h < heads; h++) {
                double sum = 0;
                int base = r * d + h * dh;
                for (int e = 0; e < dh; e++) {
                    sum += dC.get(base + e) * ctx.get(base + e);
                }
                rowDot[r * heads + h] = sum;
            }
        }
        // dQ, dK and dV side by side, as Q, K and V are: one product each for dx and the weights'
        // gradient, one column sum for the biases'.
        int ld = 3 * d;
        INDArray dqkv = buffers.kept(Slot.DQKV, rows, ld);
        long pairSize = (long) steps * steps;
        Pointer weights = buffers.weights.ensure(0);
        Pointer qkvp = NativeRows.address(c.qkv);
        Pointer dcp = NativeRows.address(dContext);
        Pointer dqkvp = NativeRows.address(dqkv);
        long q0 = NativeRows.start(c.qkv);
        long k0 = q0 + d;
        long v0 = q0 + 2L * d;
        long dc0 = NativeRows.start(dContext);
        long dq0 = NativeRows.start(dqkv);
        long dk0 = dq0 + d;
        long dv0 = dq0 + 2L * d;
        halves(mb, buffers, (from, to, half) -> {
            HostRows a = half.pair;
            HostRows dA = half.pairGrad;
            Pointer scratch = half.rows.ensure(pairSize);
            for (int b = from; b < to; b++) {
                for (int h = 0; h < heads; h++) {
                    long off = (long) b * steps * d + (long) h * dh;
                    long offQkv = (long) b * steps * ld + (long) h * dh;
                    long w0 = ((long) b * heads + h) * pairSize;
                    // dA = dC · Vᵀ, then dScores in place, then dQ = dScores·K, dK = dScoresᵀ·Q, dV = Aᵀ·dC.
                    NativeRows.gemm(type, false, true, steps, steps, dh, dcp, dc0 + off, d, qkvp, v0 + offQkv, ld,
                            0.0, scratch, 0, steps);
                    dA.load(scratch, 0, (int) pairSize);
                    a.load(weights, w0, (int) pairSize);
                    softmaxBackward(a, dA, rowDot, (b * steps) * heads + h, heads, steps, scale);
                    dA.store(scratch, 0, (int) pairSize);
                    NativeRows.gemm(type, false, false, steps, dh, steps, scratch, 0, steps, qkvp, k0 + offQkv, ld,
                            0.0, dqkvp, dq0 + offQkv, ld);
                    NativeRows.gemm(type, true, false, steps, dh, steps, scratch, 0, steps, qkvp, q0 + offQkv, ld,
                            0.0, dqkvp, dk0 + offQkv, ld);
                    NativeRows.gemm(type, true, false, steps, dh, steps, weights, w0, steps, dcp, dc0 + off, d, 0.0,
                            dqkvp, dv0 + offQkv, ld);
                }
            }
        });
        // dx = dR + [dQ dK dV]·[Wq Wk Wv]ᵀ, accumulated in place by the product.
        INDArray dx = buffers.kept(Slot.DX, rows, d).assign(dR);
        NativeRows.mmul(dqkv, false, stackedWeights(p, d, buffers), true, 1.0, dx);
        INDArray dw = NativeRows.mmul(c.x, true, dqkv, false);
        INDArray db = NativeRows.columnSums(dqkv);
        return new Gradients(dx, columns(dw, 0, d), columns(db, 0, d), columns(dw, d, 2 * d), columns(db, d, 2 * d),
                columns(dw, 2 * d, 3 * d), columns(db, 2 * d, 3 * d), dwo, dbo, ln[1], ln[2]);
    }
}
