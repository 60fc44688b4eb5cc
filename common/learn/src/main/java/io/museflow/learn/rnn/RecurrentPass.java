package io.museflow.learn.rnn;

import io.museflow.learn.HostRows;
import io.museflow.learn.NativeRows;
import io.museflow.learn.Simd;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


/**
 * One direction of a masked LSTM or GRU over a minibatch, with explicit backpropagation through
 * time.
 *
 * <p>Layout: the input is DL4J's {@code [mb, nIn, T]} (c order) and stays where it is: the input
 * projection of every frame is one BLAS product per sequence ({@code x_bᵀ · W}), and so are the
 * input gradient ({@code W · dPre_bᵀ}) and the input weights' gradient ({@code x_b · dPre_b}).
 * (The per-sequence products write and read time-major rows through their leading dimension.)
 * Everything a step touches lives in Java arrays ({@link HostRows}, the network's precision) in
 * time-major rows ({@code row = t·mb + b}, {@code t} the frame's real time), so a step's rows are
 * adjacent: sequence-major rows put a step's rows {@code T·G} floats apart, a multiple of 4 KiB that
 * made every row of a step compete for the same L1 sets (the gate loops ran about twice as slow).
 * The recurrent weights' gradient is one product after the time loop (a GRU's over what its
 * per-step products leave in native memory in step order, see {@link #backward}). A step makes one BLAS call
 * for its recurrent product ({@code h·RW} forward, {@code dRec·RWᵀ} backward, {@link StepProduct});
 * the gate arithmetic runs as loops: {@link FloatCells}' vectorized ones for float networks, exact
 * scalar ones for double networks. The arrays and native buffers are kept in the {@link Cache} and
 * reused by the next minibatch of the same layer: fresh arrays of this size cost more in page
 * faults than the arithmetic that fills them (BENCHMARKS.md).
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
     * inference, mb = 1) the call overhead outweighs the product and plain loops are as fast.
     * Not higher: the short last minibatch of an epoch (4 windows of 100 in batches of 32) took
     * half again as long in the loops (`bench` PassSpeed, LSTM, 200 steps: forward 13.6 against
     * 8.3 ms, backward 19.7 against 13.4 ms).
     */
    public static final int BLAS_MIN_BATCH = 2;

    /** Float steps on {@link VectorCells} (the Vector API) rather than {@link FloatCells}' loops. */
    private static final boolean SIMD = Simd.ENABLED;

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
        private HostRows gates;  // [T·mb·G] activated gates (row t·mb + b)
        private HostRows hPrev;  // [T·mb·H] state entering each step
        private NativeRows stepStates; // GRU: [T·mb·H] state entering each step, in step order (s·mb + b)
        private HostRows aux;    // LSTM: cell entering each step; GRU: RW_n·h + rb_n
        private HostRows tanhC;  // LSTM: tanh of the new cell
        private HostRows out;    // [T·mb·H]
        private NativeRows right;
        private NativeRows rows;   // forward: x·W; backward to inputGradient: dPre
        private boolean backwardDone;

        /** The output of the last forward pass, {@code [T·mb·H]} with {@code row = t·mb + b}. */
        public HostRows output() {
            return out;
        }

        /** The input the last forward pass ran on. */
        public INDArray input() {
            return x;
        }

        void buffers(DataType type) {
            if (right == null || !sameType(type)) {
                close();
                right = new NativeRows(type);
                rows = new NativeRows(type);
                stepStates = new NativeRows(type);
                gates = new HostRows(type);
                hPrev = new HostRows(type);
                aux = new HostRows(type);
                tanhC = new HostRows(type);
                out = new HostRows(type);
                this.type = type;
            }
        }

        private DataType type;

        private boolean sameType(DataType t) {
            return t == type;
        }

        @Override
        public void close() {
            if (right != null) {
                right.close();
                rows.close();
                stepStates.close();
                right = null;
                rows = null;
                stepStates = null;
            }
        }
    }

    /**
     * Buffers a pass needs only while it runs (the projection, then dPre; the steps' recurrent-side
     * gradients in native memory): one set per thread, shared by every layer and
     * direction that thread runs, instead of one per layer and direction (1 GB less for 4 × BiGRU
     * at 262 windows in one batch). A thread keeps its set, as large as its largest batch, while it
     * lives; the two directions of a layer run on two threads when they run side by side.
     */
    private static final class Transients {
        final HostRows pre;
        final NativeRows stepRecRows; // GRU: [T·mb·G] each step's recurrent-side gate gradients, step order
        final NativeRows hPrevRows;   // LSTM: the states entering the steps, row order

        Transients(DataType type) {
            pre = new HostRows(type);
            stepRecRows = new NativeRows(type);
            hPrevRows = new NativeRows(type);
        }
    }

    private static final ThreadLocal<Transients[]> TRANSIENTS = ThreadLocal.withInitial(() -> new Transients[2]);

    private static Transients transients(DataType type) {
        Transients[] byType = TRANSIENTS.get();
        int i = type == DataType.FLOAT ? 0 : 1;
        if (byType[i] == null) {
            byType[i] = new Transients(type);
        }
        return byType[i];
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
                    0.0, pre, (long) b * g, mb * g);
        }
        HostRows preRows = transients(type).pre.load(pre, 0, rowsTotal * g);
        double[] bias = NativeRows.read(p.b());
        double[] rb = p.rb() == null ? null : NativeRows.read(p.rb());
        float[] preHi = preRows.floats();
        double[] preD = preRows.doubles();
        double[] m = mask;
        float[] outHi = k.out.ensure(rowsTotal * h).floats();
        double[] outD = k.out.doubles();
        float[] gHi = null;
        double[] gD = null;
        float[] hpHi = null;
        double[] hpD = null;
        float[] auxHi = null;
        double[] auxD = null;
        float[] tcHi = null;
        double[] tcD = null;
        if (training) {
            gHi = k.gates.ensure(rowsTotal * g).floats();
            gD = k.gates.doubles();
            hpHi = k.hPrev.ensure(rowsTotal * h).floats();
            hpD = k.hPrev.doubles();
            auxHi = k.aux.ensure(rowsTotal * h).floats();
            auxD = k.aux.doubles();
            if (cell == CellType.LSTM) {
                tcHi = k.tanhC.ensure(rowsTotal * h).floats();
                tcD = k.tanhC.doubles();
            }
        }
        // Float networks take FloatCells' vectorized loops, double networks the exact scalar ones.
        boolean fast = type == DataType.FLOAT;
        double[] state = fast ? null : new double[mb * h];
        double[] cellState = fast ? null : new double[mb * h];
        float[] stateF = fast ? new float[mb * h] : null;
        float[] cellF = fast ? new float[mb * h] : null;
        float[] biasF = fast ? floats(bias) : null;
        float[] rbF = fast && rb != null ? floats(rb) : null;
        float[] scratch = fast ? new float[5 * h] : null;
        boolean blas = mb >= blasMinBatch;
        double[] rw = NativeRows.read(p.rw());
        float[] rwF = fast ? floats(rw) : null;
        HostRows rec = new HostRows(type).ensure(mb * g);
        // A training GRU keeps the state entering every step in native memory, in step order: its
        // recurrent weights' gradient is one product over them after backward's time loop (the
        // per-step product puts them there anyway). See backward for the LSTM's.
        boolean keepStates = training && cell == CellType.GRU;
        Pointer states = keepStates ? k.stepStates.ensure((long) rowsTotal * h) : null;
        float[] recHi = rec.floats();
        double[] recD = rec.doubles();
        double[] recLoops = blas || fast ? null : new double[mb * g];
        try (StepProduct product = blas ? new StepProduct(type, rw, mb, h, g) : null) {
            for (int s = 0; s < steps; s++) {
                long stepAt = (long) s * mb * h; // states null: the product's own scratch
                if (blas && fast) {
                    product.multiply(stateF, states, stepAt, rec);
                } else if (blas) {
                    product.multiply(state, states, stepAt, rec);
                } else if (fast) {
                    if (keepStates) {
                        new FloatPointer(states).position(stepAt).put(stateF, 0, mb * h);
                    }
                    java.util.Arrays.fill(recHi, 0, mb * g, 0f);
                    for (int b = 0; b < mb; b++) {
                        if (m[b * steps + time(k, s, b)] == 0) {
                            continue;
                        }
                        for (int u = 0; u < h; u++) {
                            float hu = stateF[b * h + u];
                            int base = u * g;
                            int out0 = b * g;
                            for (int j = 0; j < g; j++) {
                                recHi[out0 + j] += hu * rwF[base + j];
                            }
                        }
                    }
                } else {
                    if (keepStates) {
                        new DoublePointer(states).position(stepAt).put(state, 0, mb * h);
                    }
                    java.util.Arrays.fill(recLoops, 0);
                    for (int b = 0; b < mb; b++) {
                        if (m[b * steps + time(k, s, b)] == 0) {
                            continue;
                        }
                        for (int u = 0; u < h; u++) {
                            double hu = state[b * h + u];
                            int base = u * g;
                            int out0 = b * g;
                            for (int j = 0; j < g; j++) {
                                recLoops[out0 + j] += hu * rw[base + j];
                            }
                        }
                    }
                    for (int i = 0; i < recLoops.length; i++) {
                        recD[i] = recLoops[i];
                    }
                }
                for (int b = 0; b < mb; b++) {
                    int t = time(k, s, b);
                    int row = t * mb + b;
                    int ph = row * h;
                    if (m[b * steps + t] == 0) {
                        // Padded: state carried, output 0; rows read by later products are zeroed
                        // because the buffers are reused.
                        k.out.clear(ph, ph + h);
                        if (training) {
                            k.hPrev.clear(ph, ph + h);
                        }
                        continue;
                    }
                    int rb0 = b * g;
                    int pg = row * g;
                    int sb = b * h;
                    if (fast) {
                        if (training) {
                            System.arraycopy(stateF, sb, hpHi, ph, h);
                        }
                        if (SIMD && cell == CellType.GRU) {
                            VectorCells.gru(h, pg, ph, rb0, sb, preHi, biasF, recHi, rbF, stateF, training, gHi, auxHi,
                                    outHi, scratch);
                        } else if (SIMD) {
                            VectorCells.lstm(h, pg, ph, rb0, sb, preHi, biasF, recHi, stateF, cellF, training, gHi,
                                    auxHi, tcHi, outHi, scratch);
                        } else if (cell == CellType.GRU) {
                            FloatCells.gru(h, pg, ph, rb0, sb, preHi, biasF, recHi, rbF, stateF, training, gHi, auxHi,
                                    outHi, scratch);
                        } else {
                            FloatCells.lstm(h, pg, ph, rb0, sb, preHi, biasF, recHi, stateF, cellF, training, gHi, auxHi,
                                    tcHi, outHi, scratch);
                        }
                        continue;
                    }
                    if (training) {
                        for (int j = 0; j < h; j++) {
                            hpD[ph + j] = state[sb + j];
                        }
                    }
                    if (cell == CellType.GRU) {
                        gruRow(h, pg, ph, rb0, sb, preD, bias, recD, rb, state, training, gD,
                                auxD, outD);
                    } else {
                        lstmRow(h, pg, ph, rb0, sb, preD, bias, recD, state, cellState, training, gD, auxD, tcD, outD);
                    }
                }
            }
        }
        return k;
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    // One sequence's step of each cell, forward and backward: small methods the JIT compiles on
    // their own (the same loops inlined into the pass's long time loop ran about twice as slow).

    private static void gruRow(int h, int pg, int ph, int rb0, int sb, double[] preD, double[] bias,
                               double[] recD, double[] rb, double[] state, boolean training,
                               double[] gD, double[] auxD, double[] outD) {
        for (int j = 0; j < h; j++) {
            double r = sigmoid(preD[pg + j] + bias[j] + recD[rb0 + j] + rb[j]);
            double z = sigmoid(preD[pg + h + j] + bias[h + j]
                    + recD[rb0 + h + j] + rb[h + j]);
            double recN = recD[rb0 + 2 * h + j] + rb[2 * h + j];
            double n = tanh(preD[pg + 2 * h + j] + bias[2 * h + j] + r * recN);
            double hNew = (1 - z) * n + z * state[sb + j];
            if (training) {
                gD[pg + j] = r;
                gD[pg + h + j] = z;
                gD[pg + 2 * h + j] = n;
                auxD[ph + j] = recN;
            }
            state[sb + j] = hNew;
            outD[ph + j] = hNew;
        }
    }

    private static void lstmRow(int h, int pg, int ph, int rb0, int sb, double[] preD, double[] bias,
                                double[] recD, double[] state, double[] cellState, boolean training,
                                double[] gD, double[] auxD, double[] tcD,
                                double[] outD) {
        for (int j = 0; j < h; j++) {
            double i = sigmoid(preD[pg + j] + bias[j] + recD[rb0 + j]);
            double f = sigmoid(preD[pg + h + j] + bias[h + j]
                    + recD[rb0 + h + j]);
            double gg = tanh(preD[pg + 2 * h + j] + bias[2 * h + j]
                    + recD[rb0 + 2 * h + j]);
            double o = sigmoid(preD[pg + 3 * h + j] + bias[3 * h + j]
                    + recD[rb0 + 3 * h + j]);
            double c = f * cellState[sb + j] + i * gg;
            double tc = tanh(c);
            if (training) {
                gD[pg + j] = i;
                gD[pg + h + j] = f;
                gD[pg + 2 * h + j] = gg;
                gD[pg + 3 * h + j] = o;
                auxD[ph + j] = cellState[sb + j];
                tcD[ph + j] = tc;
            }
            cellState[sb + j] = c;
            state[sb + j] = o * tc;
            outD[ph + j] = o * tc;
        }
    }

    private static void gruRowBackward(int h, int pg, int ph, int sg, int sb, double[] dh, double[] doD,
                                       double[] gD, double[] hpD, double[] auxD, double[] dpD, double[] srD,
                                       double[] db, double[] drb) {
        for (int j = 0; j < h; j++) {
            double dht = dh[sb + j] + doD[ph + j];
            double r = gD[pg + j];
            double z = gD[pg + h + j];
            double n = gD[pg + 2 * h + j];
            double hp = hpD[ph + j];
            double dn = dht * (1 - z) * (1 - n * n);
            double dz = dht * (hp - n) * z * (1 - z);
            double dr = dn * auxD[ph + j] * r * (1 - r);
            dpD[pg + j] = dr;
            dpD[pg + h + j] = dz;
            dpD[pg + 2 * h + j] = dn;
            srD[sg + j] = dr;
            srD[sg + h + j] = dz;
            srD[sg + 2 * h + j] = dn * r;
            db[j] += dr;
            db[h + j] += dz;
            db[2 * h + j] += dn;
            drb[j] += dr;
            drb[h + j] += dz;
            drb[2 * h + j] += dn * r;
            dh[sb + j] = dht * z; // the z·h_prev path; the recurrent products follow
        }
    }

    private static void lstmRowBackward(int h, int pg, int ph, int sg, int sb, double[] dh, double[] dc, double[] doD, double[] gD, double[] tcD,
                                        double[] auxD, double[] dpD, double[] srD, double[] db) {
        for (int j = 0; j < h; j++) {
            double dht = dh[sb + j] + doD[ph + j];
            double i = gD[pg + j];
            double f = gD[pg + h + j];
            double gg = gD[pg + 2 * h + j];
            double o = gD[pg + 3 * h + j];
            double tc = tcD[ph + j];
            double dct = dc[sb + j] + dht * o * (1 - tc * tc);
            double di = dct * gg * i * (1 - i);
            double df = dct * auxD[ph + j] * f * (1 - f);
            double dg = dct * i * (1 - gg * gg);
            double dO = dht * tc * o * (1 - o);
            dpD[pg + j] = di;
            dpD[pg + h + j] = df;
            dpD[pg + 2 * h + j] = dg;
            dpD[pg + 3 * h + j] = dO;
            srD[sg + j] = di;
            srD[sg + h + j] = df;
            srD[sg + 2 * h + j] = dg;
            srD[sg + 3 * h + j] = dO;
            db[j] += di;
            db[h + j] += df;
            db[2 * h + j] += dg;
            db[3 * h + j] += dO;
            dc[sb + j] = dct * f;
            dh[sb + j] = 0;
        }
    }

    /**
     * Backpropagates {@code dOut} ({@code [T·mb·H]}, rows like the output) through the direction's
     * last forward pass and returns the weight gradients; then {@link #inputGradient} gives the
     * input's. The two directions of a layer may run this concurrently (separate caches).
     */
    public Gradients backward(Cache k, HostRows dOut, RnnParams p) {
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
        // The projection is not needed any more: its rows take dPre. The recurrent weights'
        // gradient is one product after the time loop. LSTM: its recurrent-side gate gradients are
        // dPre, which goes to native memory anyway (the input weights' gradient), so the product
        // takes dPre and the states in row order. GRU: they differ from dPre (r·dn for the new
        // gate), so each step's go to native memory in step order, next to the states forward kept
        // there in the same order (instead of a whole-pass Java array copied out afterwards).
        Transients shared = transients(type);
        HostRows dPreRows = shared.pre.ensure(rowsTotal * g);
        boolean stepOrder = cell == CellType.GRU;
        Pointer stepRecRows = stepOrder ? shared.stepRecRows.ensure((long) rowsTotal * g) : null;
        float[] dpHi = dPreRows.floats();
        double[] dpD = dPreRows.doubles();
        float[] doHi = dOut.floats();
        double[] doD = dOut.doubles();
        float[] gHi = k.gates.floats();
        double[] gD = k.gates.doubles();
        float[] auxHi = k.aux.floats();
        double[] auxD = k.aux.doubles();
        float[] hpHi = k.hPrev.floats();
        double[] hpD = k.hPrev.doubles();
        float[] tcHi = cell == CellType.LSTM ? k.tanhC.floats() : null;
        double[] tcD = cell == CellType.LSTM ? k.tanhC.doubles() : null;
        boolean fast = type == DataType.FLOAT;
        double[] dh = fast ? null : new double[mb * h];
        double[] dc = fast ? null : new double[mb * h];
        float[] dhF = fast ? new float[mb * h] : null;
        float[] dcF = fast ? new float[mb * h] : null;
        float[] dbF = fast ? new float[g] : null;
        float[] drbF = fast && cell == CellType.GRU ? new float[g] : null;
        float[] rwTF = fast ? floats(rwT) : null;
        float[] scratch = fast ? new float[h] : null;
        HostRows stepRec = new HostRows(type).ensure(mb * g);
        float[] srHi = stepRec.floats();
        double[] srD = stepRec.doubles();
        HostRows add = new HostRows(type).ensure(mb * h);
        double[] mask = k.mask;
        double[] db = new double[g];
        double[] drb = cell == CellType.GRU ? new double[g] : null;
        try (StepProduct product = blas ? new StepProduct(type, rwT, mb, g, h) : null) {
            for (int s = steps - 1; s >= 0; s--) {
                for (int b = 0; b < mb; b++) {
                    int t = time(k, s, b);
                    int row = t * mb + b;
                    int pg = row * g;
                    int ph = row * h;
                    int sg = b * g;
                    int sb = b * h;
                    if (mask[b * steps + t] == 0) {
                        // padded: dh and dc pass through unchanged; reused rows are cleared
                        dPreRows.clear(pg, pg + g);
                        stepRec.clear(sg, sg + g);
                        continue;
                    }
                    if (fast && SIMD) {
                        if (cell == CellType.GRU) {
                            VectorCells.gruBackward(h, pg, ph, sg, sb, dhF, doHi, gHi, hpHi, auxHi, dpHi, srHi, dbF,
                                    drbF);
                        } else {
                            VectorCells.lstmBackward(h, pg, ph, sg, sb, dhF, dcF, doHi, gHi, tcHi, auxHi, dpHi, srHi,
                                    dbF, scratch);
                        }
                    } else if (fast) {
                        if (cell == CellType.GRU) {
                            FloatCells.gruBackward(h, pg, ph, sg, sb, dhF, doHi, gHi, hpHi, auxHi, dpHi, srHi, dbF,
                                    drbF);
                        } else {
                            FloatCells.lstmBackward(h, pg, ph, sg, sb, dhF, dcF, doHi, gHi, tcHi, auxHi, dpHi, srHi, dbF,
                                    scratch);
                        }
                    } else if (cell == CellType.GRU) {
                        gruRowBackward(h, pg, ph, sg, sb, dh, doD, gD, hpD, auxD, dpD, srD, db, drb);
                    } else {
                        lstmRowBackward(h, pg, ph, sg, sb, dh, dc, doD, gD, tcD, auxD, dpD, srD, db);
                    }
                }
                // dh_prev += dRec_s · RWᵀ for the whole step (padded sequences contribute 0).
                long stepAt = (long) s * mb * g; // stepRecRows null (LSTM): the product's own scratch
                if (!blas && stepOrder) {
                    stepRec.store(stepRecRows, stepAt, mb * g);
                }
                if (blas) {
                    product.multiply(stepRec, stepRecRows, stepAt, add);
                    float[] addHi = add.floats();
                    double[] addD = add.doubles();
                    if (fast) {
                        for (int i = 0; i < dhF.length; i++) {
                            dhF[i] += addHi[i];
                        }
                    } else {
                        for (int i = 0; i < dh.length; i++) {
                            dh[i] += addD[i];
                        }
                    }
                } else if (fast) {
                    for (int b = 0; b < mb; b++) {
                        int sg = b * g;
                        for (int j = 0; j < g; j++) {
                            float d = srHi[sg + j];
                            if (d != 0) {
                                int base = j * h;
                                for (int u = 0; u < h; u++) {
                                    dhF[b * h + u] += d * rwTF[base + u];
                                }
                            }
                        }
                    }
                } else {
                    for (int b = 0; b < mb; b++) {
                        int sg = b * g;
                        for (int j = 0; j < g; j++) {
                            double d = srD[sg + j];
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
        if (fast) {
            for (int j = 0; j < g; j++) {
                db[j] = dbF[j];
                if (drb != null) {
                    drb[j] = drbF[j];
                }
            }
        }
        // The weight gradients: BLAS products over all rows.
        Pointer dPreN = k.rows.ensure((long) rowsTotal * g);
        dPreRows.store(dPreN, 0, rowsTotal * g);
        Pointer xp = NativeRows.address(k.x);
        long x0 = NativeRows.start(k.x);
        INDArray dw = Nd4j.createUninitialized(type, new long[]{nIn, g}, 'c');
        Pointer dwp = NativeRows.address(dw);
        long dw0 = NativeRows.start(dw);
        for (int b = 0; b < mb; b++) {
            NativeRows.gemm(type, false, false, nIn, g, steps, xp, x0 + (long) b * nIn * steps, steps,
                    dPreN, (long) b * g, mb * g, b == 0 ? 0.0 : 1.0, dwp, dw0, g);
        }
        INDArray drw = Nd4j.createUninitialized(type, new long[]{h, g}, 'c');
        if (stepOrder) {
            // Padded rows pair a carried state with zero gradients: they add nothing.
            NativeRows.gemm(type, true, false, h, g, rowsTotal, k.stepStates.ensure(0), 0, h, stepRecRows, 0, g,
                    0.0, NativeRows.address(drw), NativeRows.start(drw), g);
        } else {
            Pointer hPrevN = shared.hPrevRows.ensure((long) rowsTotal * h);
            k.hPrev.store(hPrevN, 0, rowsTotal * h);
            NativeRows.gemm(type, true, false, h, g, rowsTotal, hPrevN, 0, h, dPreN, 0, g, 0.0,
                    NativeRows.address(drw), NativeRows.start(drw), g);
        }
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
     * otherwise (the second direction). With {@code dx} null nothing is computed: the pass only
     * ends (its input is the caller's again).
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
        if (dx != null) {
            Pointer dPreN = k.rows.ensure(0);
            Pointer w = k.right.put(NativeRows.read(p.w()), nIn * g);
            Pointer dxp = NativeRows.address(dx);
            long dx0 = NativeRows.start(dx);
            for (int b = 0; b < mb; b++) {
                NativeRows.gemm(type, false, true, nIn, steps, g, w, 0, g, dPreN, (long) b * g, mb * g,
                        accumulate ? 1.0 : 0.0, dxp, dx0 + (long) b * nIn * steps, steps);
            }
        }
        k.x = null; // one backward per forward; the input is the caller's again
        k.backwardDone = false;
    }
}
