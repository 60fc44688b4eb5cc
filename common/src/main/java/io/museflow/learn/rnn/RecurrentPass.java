package io.museflow.learn.rnn;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * One direction of a masked LSTM or GRU over a minibatch, with explicit backpropagation through
 * time.
 *
 * <p>Layout: the input is DL4J's {@code [mb, nIn, T]} (c order) and stays where it is: the input
 * projection of every frame is one BLAS product per sequence ({@code x_bᵀ · W}), and so are the
 * input gradient ({@code W · dPre_bᵀ}) and the input weights' gradient ({@code x_b · dPre_b}).
 * Everything a step touches lives in Java arrays in sequence-major rows ({@code row = b·T + t},
 * {@code t} the frame's real time), in double precision; the recurrent weights' gradient is one
 * product after the time loop. A step makes one BLAS call for its recurrent product
 * ({@code h·RW} forward, {@code dRec·RWᵀ} backward, {@link StepProduct}); the gate arithmetic runs
 * as plain loops. The arrays and native buffers are kept in the {@link Cache} and reused by the
 * next minibatch of the same layer: fresh arrays of this size cost more in page faults than the
 * arithmetic that fills them (BENCHMARKS.md).
 *
 * <p>Direction: {@code reverse} walks each sequence from its last real frame back to its first
 * (padding must then be at the end); results stay indexed by real time, so the two directions of a
 * bidirectional layer read the same input and write the same input gradient without reordering.
 *
 * <p>Masking: on a padded step the state is carried unchanged, nothing is computed and the output
 * is 0, so padding can change neither the outputs nor the gradients of real frames.
 */
public final class RecurrentPass {
    /**
     * From this many sequences a step's recurrent product goes to BLAS; below it (whole-video
     * inference, mb = 1) the call overhead outweighs the product and plain loops are faster.
     */
    public static final int BLAS_MIN_BATCH = 8;

    private final CellType cell;
    private final int hidden;
    private final int blasMinBatch;

    public RecurrentPass(CellType cell, int hidden) {
        this(cell, hidden, BLAS_MIN_BATCH);
    }

    /** {@code blasMinBatch} chooses the per-step product's implementation (tests exercise both). */
    public RecurrentPass(CellType cell, int hidden, int blasMinBatch) {
        this.cell = cell;
        this.hidden = hidden;
        this.blasMinBatch = blasMinBatch;
    }

    /**
     * One direction's state between its forward and backward pass, and the buffers both reuse. A
     * layer keeps one per direction; a forward pass overwrites what the previous one left.
     */
    public static final class Cache implements AutoCloseable {
        private INDArray x;
        private int mb;
        private int steps;
        private boolean reverse;
        private boolean training;
        private double[] mask = new double[0];   // [mb·T]
        private int[] lengths = new int[0];      // real frames per sequence (reverse only)
        private double[] pre = new double[0];    // [mb·T·G] x·W, then (backward) dPre
        private double[] gates = new double[0];  // [mb·T·G] activated gates
        private double[] hPrev = new double[0];  // [mb·T·H] state entering each step
        private double[] aux = new double[0];    // LSTM: cell entering each step; GRU: RW_n·h + rb_n
        private double[] tanhC = new double[0];  // LSTM: tanh of the new cell
        private double[] out = new double[0];    // [mb·T·H]
        private double[] dRec = new double[0];   // GRU backward: gradient at the recurrent product
        private NativeRows left;
        private NativeRows right;
        private NativeRows rows;
        private NativeRows recRows;
        private boolean backwardDone;

        /** The output of the last forward pass, {@code [mb·T·H]} with {@code row = b·T + t}. */
        public double[] output() {
            return out;
        }

        /** The input the last forward pass ran on. */
        public INDArray input() {
            return x;
        }

        void buffers(DataType type) {
            if (left == null || !sameType(type)) {
                close();
                left = new NativeRows(type);
                right = new NativeRows(type);
                rows = new NativeRows(type);
                recRows = new NativeRows(type);
                this.type = type;
            }
        }

        private DataType type;

        private boolean sameType(DataType t) {
            return t == type;
        }

        @Override
        public void close() {
            for (NativeRows r : new NativeRows[]{left, right, rows, recRows}) {
                if (r != null) {
                    r.close();
                }
            }
            left = null;
            right = null;
            rows = null;
            recRows = null;
        }
    }

    /** Gradients of one direction, shaped like {@link RnnParams}. The input gradient goes to the caller's array. */
    public record Gradients(INDArray dw, INDArray drw, INDArray db, INDArray drb) {
    }

    private static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /** tanh through the exp intrinsic (Math.tanh is the slower fdlibm port). */
    private static double tanh(double v) {
        if (v > 20) {
            return 1.0;
        }
        if (v < -20) {
            return -1.0;
        }
        double e = Math.exp(2 * v);
        return (e - 1) / (e + 1);
    }

    private static double[] atLeast(double[] a, int n) {
        return a.length >= n ? a : new double[n];
    }

    /**
     * Real frames per sequence when every sequence's padding is at its end; names the sequence and
     * frame otherwise (a reverse pass needs it).
     */
    public static int[] lengths(double[] mask, int mb, int steps, int[] reuse) {
        int[] lengths = reuse != null && reuse.length >= mb ? reuse : new int[mb];
        for (int b = 0; b < mb; b++) {
            int base = b * steps;
            int length = 0;
            while (length < steps && mask[base + length] > 0) {
                length++;
            }
            for (int t = length; t < steps; t++) {
                if (mask[base + t] > 0) {
                    throw new IllegalArgumentException("bidirectional layer: the mask of sequence " + b
                            + " has a gap at frame " + length + "; padding must be at the end");
                }
            }
            lengths[b] = length;
        }
        return lengths;
    }

    /** The real time of step {@code s} of sequence {@code b} (a padded step maps to itself). */
    private static int time(Cache k, int s, int b) {
        if (!k.reverse) {
            return s;
        }
        int length = k.lengths[b];
        return s < length ? length - 1 - s : s;
    }

    /**
     * Runs the direction over {@code x} ({@code [mb, nIn, T]}) with {@code mask} ({@code [mb·T]},
     * 1 = real frame). With {@code training} false nothing for backward is kept.
     */
    public Cache forward(INDArray x, double[] mask, boolean reverse, RnnParams p, boolean training, Cache k) {
        int mb = (int) x.size(0);
        int nIn = (int) x.size(1);
        int steps = (int) x.size(2);
        int h = hidden;
        int g = cell.gates() * h;
        int rowsTotal = mb * steps;
        DataType type = NativeRows.checked(x.dataType());
        INDArray xc = NativeRows.contiguous(x);
        k.buffers(type);
        k.x = xc;
        k.mb = mb;
        k.steps = steps;
        k.reverse = reverse;
        k.training = training;
        k.backwardDone = false;
        k.mask = mask;
        if (reverse) {
            k.lengths = lengths(mask, mb, steps, k.lengths);
        }
        // Input projection: pre_b = x_bᵀ · W for each sequence b, one BLAS call each.
        Pointer w = k.right.put(NativeRows.read(p.w()), nIn * g);
        Pointer pre = k.rows.ensure((long) rowsTotal * g);
        Pointer xp = NativeRows.address(xc);
        long x0 = NativeRows.start(xc);
        for (int b = 0; b < mb; b++) {
            NativeRows.gemm(type, true, false, steps, g, nIn, xp, x0 + (long) b * nIn * steps, steps, w, 0, g,
                    0.0, pre, (long) b * steps * g, g);
        }
        k.pre = atLeast(k.pre, rowsTotal * g);
        k.rows.get(k.pre, rowsTotal * g);
        double[] bias = NativeRows.read(p.b());
        double[] rb = p.rb() == null ? null : NativeRows.read(p.rb());
        double[] preArr = k.pre;
        double[] m = mask;
        k.out = atLeast(k.out, rowsTotal * h);
        double[] out = k.out;
        double[] gates = null;
        double[] hPrev = null;
        double[] aux = null;
        double[] tanhC = null;
        if (training) {
            gates = k.gates = atLeast(k.gates, rowsTotal * g);
            hPrev = k.hPrev = atLeast(k.hPrev, rowsTotal * h);
            aux = k.aux = atLeast(k.aux, rowsTotal * h);
            if (cell == CellType.LSTM) {
                tanhC = k.tanhC = atLeast(k.tanhC, rowsTotal * h);
            }
        }
        double[] state = new double[mb * h];
        double[] cellState = new double[mb * h];
        boolean blas = mb >= blasMinBatch;
        double[] rw = NativeRows.read(p.rw());
        double[] recAll = new double[mb * g];
        try (StepProduct product = blas ? new StepProduct(type, rw, mb, h, g) : null) {
            for (int s = 0; s < steps; s++) {
                if (blas) {
                    product.multiply(state, recAll);
                } else {
                    Arrays.fill(recAll, 0);
                    for (int b = 0; b < mb; b++) {
                        if (m[b * steps + time(k, s, b)] == 0) {
                            continue;
                        }
                        for (int u = 0; u < h; u++) {
                            double hu = state[b * h + u];
                            int base = u * g;
                            int out0 = b * g;
                            for (int j = 0; j < g; j++) {
                                recAll[out0 + j] += hu * rw[base + j];
                            }
                        }
                    }
                }
                for (int b = 0; b < mb; b++) {
                    int row = b * steps + time(k, s, b);
                    int ph = row * h;
                    if (m[row] == 0) {
                        // Padded: state carried, output 0; rows read by later products are zeroed
                        // because the buffers are reused.
                        Arrays.fill(out, ph, ph + h, 0.0);
                        if (training) {
                            Arrays.fill(hPrev, ph, ph + h, 0.0);
                        }
                        continue;
                    }
                    int rb0 = b * g;
                    int pg = row * g;
                    int sb = b * h;
                    if (training) {
                        System.arraycopy(state, sb, hPrev, ph, h);
                    }
                    if (cell == CellType.GRU) {
                        for (int j = 0; j < h; j++) {
                            double r = sigmoid(preArr[pg + j] + bias[j] + recAll[rb0 + j] + rb[j]);
                            double z = sigmoid(preArr[pg + h + j] + bias[h + j] + recAll[rb0 + h + j] + rb[h + j]);
                            double recN = recAll[rb0 + 2 * h + j] + rb[2 * h + j];
                            double n = tanh(preArr[pg + 2 * h + j] + bias[2 * h + j] + r * recN);
                            double hNew = (1 - z) * n + z * state[sb + j];
                            if (training) {
                                gates[pg + j] = r;
                                gates[pg + h + j] = z;
                                gates[pg + 2 * h + j] = n;
                                aux[ph + j] = recN;
                            }
                            state[sb + j] = hNew;
                            out[ph + j] = hNew;
                        }
                    } else {
                        for (int j = 0; j < h; j++) {
                            double i = sigmoid(preArr[pg + j] + bias[j] + recAll[rb0 + j]);
                            double f = sigmoid(preArr[pg + h + j] + bias[h + j] + recAll[rb0 + h + j]);
                            double gg = tanh(preArr[pg + 2 * h + j] + bias[2 * h + j] + recAll[rb0 + 2 * h + j]);
                            double o = sigmoid(preArr[pg + 3 * h + j] + bias[3 * h + j] + recAll[rb0 + 3 * h + j]);
                            double c = f * cellState[sb + j] + i * gg;
                            double tc = tanh(c);
                            if (training) {
                                gates[pg + j] = i;
                                gates[pg + h + j] = f;
                                gates[pg + 2 * h + j] = gg;
                                gates[pg + 3 * h + j] = o;
                                aux[ph + j] = cellState[sb + j];
                                tanhC[ph + j] = tc;
                            }
                            cellState[sb + j] = c;
                            state[sb + j] = o * tc;
                            out[ph + j] = o * tc;
                        }
                    }
                }
            }
        }
        return k;
    }

    /**
     * Backpropagates {@code dOut} ({@code [mb·T·H]}, rows like the output) through the direction's
     * last forward pass and returns the weight gradients; then {@link #inputGradient} gives the
     * input's. The two directions of a layer may run this concurrently (separate caches).
     */
    public Gradients backward(Cache k, double[] dOut, RnnParams p) {
        if (!k.training || k.x == null || k.backwardDone) {
            throw new IllegalStateException("backward without a training forward pass");
        }
        int steps = k.steps;
        int mb = k.mb;
        int h = hidden;
        int g = cell.gates() * h;
        int nIn = (int) k.x.size(1);
        int rowsTotal = mb * steps;
        DataType type = k.x.dataType();
        boolean blas = mb >= blasMinBatch;
        double[] rwT = NativeRows.read(p.rw().transpose().dup('c')); // [G, H]
        double[] dPre = k.pre; // the projection is not needed any more: reuse its rows
        double[] dRec = dPre;  // LSTM: the same gradient
        if (cell == CellType.GRU) {
            k.dRec = atLeast(k.dRec, rowsTotal * g);
            dRec = k.dRec;
        }
        double[] dh = new double[mb * h];
        double[] dc = new double[mb * h];
        double[] stepRec = new double[mb * g];
        double[] add = new double[mb * h];
        double[] mask = k.mask;
        double[] gates = k.gates;
        double[] aux = k.aux;
        double[] hPrev = k.hPrev;
        double[] tanhC = k.tanhC;
        try (StepProduct product = blas ? new StepProduct(type, rwT, mb, g, h) : null) {
            for (int s = steps - 1; s >= 0; s--) {
                for (int b = 0; b < mb; b++) {
                    int row = b * steps + time(k, s, b);
                    int pg = row * g;
                    int ph = row * h;
                    int sg = b * g;
                    int sb = b * h;
                    if (mask[row] == 0) {
                        // padded: dh and dc pass through unchanged; reused rows are cleared
                        Arrays.fill(dPre, pg, pg + g, 0.0);
                        if (dRec != dPre) {
                            Arrays.fill(dRec, pg, pg + g, 0.0);
                        }
                        Arrays.fill(stepRec, sg, sg + g, 0.0);
                        continue;
                    }
                    if (cell == CellType.GRU) {
                        for (int j = 0; j < h; j++) {
                            double dht = dh[sb + j] + dOut[ph + j];
                            double r = gates[pg + j];
                            double z = gates[pg + h + j];
                            double n = gates[pg + 2 * h + j];
                            double hp = hPrev[ph + j];
                            double dn = dht * (1 - z) * (1 - n * n);
                            double dz = dht * (hp - n) * z * (1 - z);
                            double dr = dn * aux[ph + j] * r * (1 - r);
                            dPre[pg + j] = dr;
                            dPre[pg + h + j] = dz;
                            dPre[pg + 2 * h + j] = dn;
                            dRec[pg + j] = dr;
                            dRec[pg + h + j] = dz;
                            dRec[pg + 2 * h + j] = dn * r;
                            dh[sb + j] = dht * z; // the z·h_prev path; the recurrent products follow
                        }
                    } else {
                        for (int j = 0; j < h; j++) {
                            double dht = dh[sb + j] + dOut[ph + j];
                            double i = gates[pg + j];
                            double f = gates[pg + h + j];
                            double gg = gates[pg + 2 * h + j];
                            double o = gates[pg + 3 * h + j];
                            double tc = tanhC[ph + j];
                            double dct = dc[sb + j] + dht * o * (1 - tc * tc);
                            dPre[pg + j] = dct * gg * i * (1 - i);
                            dPre[pg + h + j] = dct * aux[ph + j] * f * (1 - f);
                            dPre[pg + 2 * h + j] = dct * i * (1 - gg * gg);
                            dPre[pg + 3 * h + j] = dht * tc * o * (1 - o);
                            dc[sb + j] = dct * f;
                            dh[sb + j] = 0;
                        }
                    }
                    System.arraycopy(dRec, pg, stepRec, sg, g);
                }
                // dh_prev += dRec_s · RWᵀ for the whole step (padded sequences contribute 0).
                if (blas) {
                    product.multiply(stepRec, add);
                    for (int i = 0; i < dh.length; i++) {
                        dh[i] += add[i];
                    }
                } else {
                    for (int b = 0; b < mb; b++) {
                        int sg = b * g;
                        for (int j = 0; j < g; j++) {
                            double d = stepRec[sg + j];
                            if (d != 0) {
                                int base = j * h;
                                for (int u = 0; u < h; u++) {
                                    dh[b * h + u] += d * rwT[base + u];
                                }
                            }
                        }
                    }
                }
            }
        }
        double[] db = columnSums(dPre, rowsTotal, g);
        double[] drb = cell == CellType.GRU ? columnSums(dRec, rowsTotal, g) : null;
        // The weight gradients: BLAS products over all rows.
        Pointer dPreN = k.rows.put(dPre, rowsTotal * g);
        Pointer xp = NativeRows.address(k.x);
        long x0 = NativeRows.start(k.x);
        INDArray dw = Nd4j.createUninitialized(type, new long[]{nIn, g}, 'c');
        Pointer dwp = NativeRows.address(dw);
        long dw0 = NativeRows.start(dw);
        for (int b = 0; b < mb; b++) {
            NativeRows.gemm(type, false, false, nIn, g, steps, xp, x0 + (long) b * nIn * steps, steps,
                    dPreN, (long) b * steps * g, g, b == 0 ? 0.0 : 1.0, dwp, dw0, g);
        }
        Pointer dRecN = cell == CellType.GRU ? k.recRows.put(dRec, rowsTotal * g) : dPreN;
        Pointer hPrevN = k.left.put(hPrev, rowsTotal * h);
        INDArray drw = Nd4j.createUninitialized(type, new long[]{h, g}, 'c');
        NativeRows.gemm(type, true, false, h, g, rowsTotal, hPrevN, 0, h, dRecN, 0, g, 0.0,
                NativeRows.address(drw), NativeRows.start(drw), g);
        INDArray dbArr = Nd4j.createUninitialized(type, new long[]{1, g}, 'c');
        NativeRows.write(db, dbArr, null);
        INDArray drbArr = null;
        if (drb != null) {
            drbArr = Nd4j.createUninitialized(type, new long[]{1, g}, 'c');
            NativeRows.write(drb, drbArr, null);
        }
        k.backwardDone = true;
        return new Gradients(dw, drw, dbArr, drbArr);
    }

    /**
     * The input gradient of the last {@link #backward} ({@code W · dPre_bᵀ} per sequence), written
     * to {@code dx} ({@code [mb, nIn, T]}, c order): assigned when {@code accumulate} is false, added
     * otherwise (the second direction).
     */
    public void inputGradient(Cache k, RnnParams p, INDArray dx, boolean accumulate) {
        if (!k.backwardDone || k.x == null) {
            throw new IllegalStateException("input gradient without a backward pass");
        }
        int steps = k.steps;
        int mb = k.mb;
        int g = cell.gates() * hidden;
        int nIn = (int) k.x.size(1);
        DataType type = k.x.dataType();
        Pointer dPreN = k.rows.ensure(0);
        Pointer w = k.right.put(NativeRows.read(p.w()), nIn * g);
        Pointer dxp = NativeRows.address(dx);
        long dx0 = NativeRows.start(dx);
        for (int b = 0; b < mb; b++) {
            NativeRows.gemm(type, false, true, nIn, steps, g, w, 0, g, dPreN, (long) b * steps * g, g,
                    accumulate ? 1.0 : 0.0, dxp, dx0 + (long) b * nIn * steps, steps);
        }
        k.x = null; // one backward per forward; the input is the caller's again
        k.backwardDone = false;
    }

    private static double[] columnSums(double[] rowMajor, int rows, int cols) {
        double[] sums = new double[cols];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                sums[c] += rowMajor[base + c];
            }
        }
        return sums;
    }
}
