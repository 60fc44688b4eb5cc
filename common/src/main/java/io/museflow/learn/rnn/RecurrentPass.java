package io.museflow.learn.rnn;

import io.museflow.learn.OffHeap;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A masked LSTM or GRU over a time-major sequence batch with explicit backpropagation through time.
 *
 * <p>Layout: input {@code x} is {@code [T, mb, nIn]} (c order), the mask {@code [T, mb, 1]}
 * (1 = real frame). Work is split by size: the input projection of all steps, the input weights'
 * gradient and the input gradient are one ND4J GEMM each ({@code [T·mb, nIn] × [nIn, G·H]} and
 * transposes); the recurrent weights' gradient is one GEMM after the time loop. Inside the loop,
 * each step makes one BLAS call for its recurrent product ({@code h·RW} forward, {@code dRec·RWᵀ}
 * backward) straight to OpenBLAS on native buffers made once per pass ({@link StepProduct}), and the gate arithmetic runs as plain Java loops over heap
 * arrays in double precision. Measured: per-step ND4J ops (~70 a step) made a 4 × BiGRU 64 epoch
 * 11.2 s; Java loops for everything in the step 3.0 s; BLAS for the step's product is faster still
 * (BENCHMARKS.md).
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

    /** What backward needs from forward (heap arrays, [t][b][unit] flattened). */
    public static final class Cache {
        final INDArray x;
        final int steps;
        final int mb;
        final double[] mask;   // [T·mb]
        final double[] gates;  // [T·mb·G] activated gates
        final double[] hPrev;  // [T·mb·H] state entering each step
        final double[] aux;    // LSTM: cell entering each step; GRU: recurrent n-part RW_n·h + rb_n
        final double[] tanhC;  // LSTM: tanh of the new cell
        final INDArray out;    // [T, mb, H]

        Cache(INDArray x, int steps, int mb, double[] mask, double[] gates, double[] hPrev, double[] aux,
              double[] tanhC, INDArray out) {
            this.x = x;
            this.steps = steps;
            this.mb = mb;
            this.mask = mask;
            this.gates = gates;
            this.hPrev = hPrev;
            this.aux = aux;
            this.tanhC = tanhC;
            this.out = out;
        }

        /** The time-major input this pass ran on. */
        public INDArray input() {
            return x;
        }

        public INDArray output() {
            return out;
        }
    }

    /** Gradients of one direction, shaped like {@link RnnParams}, and of the input. */
    public record Gradients(INDArray dx, INDArray dw, INDArray drw, INDArray db, INDArray drb) {
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
     * The array's values in c order as one Java array: one bulk copy out of the native buffer (ND4J's
     * {@code asDouble} reads element by element through bounds-checked accessors).
     */
    private static double[] heap(INDArray a) {
        INDArray c = a.ordering() == 'c' && !a.isView() && a.data().length() == a.length() ? a : a.dup('c');
        int n = (int) c.length();
        double[] out = new double[n];
        if (c.dataType() == DataType.DOUBLE) {
            new DoublePointer(c.data().addressPointer()).get(out, 0, n);
        } else if (c.dataType() == DataType.FLOAT) {
            float[] f = new float[n];
            new FloatPointer(c.data().addressPointer()).get(f, 0, n);
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        } else {
            return c.data().asDouble();
        }
        return out;
    }

    /** A c-order array of {@code type} (float or double) from Java values: one bulk copy into the native buffer. */
    private static INDArray nd4j(double[] values, long[] shape, DataType type) {
        INDArray out = Nd4j.createUninitialized(type, shape, 'c');
        if (type == DataType.DOUBLE) {
            new DoublePointer(out.data().addressPointer()).put(values, 0, values.length);
            return out;
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        if (type == DataType.FLOAT) {
            new FloatPointer(out.data().addressPointer()).put(f, 0, f.length);
            return out;
        }
        return Nd4j.create(f, shape, 'c').castTo(type);
    }

    public Cache forward(INDArray x, INDArray mask, RnnParams p) {
        int steps = (int) x.size(0);
        int mb = (int) x.size(1);
        int nIn = (int) x.size(2);
        int h = hidden;
        int g = cell.gates() * h;
        INDArray preArr = x.reshape('c', (long) steps * mb, nIn).mmul(p.w().castTo(x.dataType()))
                .addiRowVector(p.b().castTo(x.dataType()));
        double[] pre = heap(preArr);
        OffHeap.release(preArr);
        double[] rb = p.rb() == null ? null : heap(p.rb());
        double[] m = heap(mask);
        double[] gates = new double[steps * mb * g];
        double[] hPrev = new double[steps * mb * h];
        double[] aux = new double[steps * mb * h];
        double[] tanhC = cell == CellType.LSTM ? new double[steps * mb * h] : null;
        double[] out = new double[steps * mb * h];
        double[] state = new double[mb * h];
        double[] cellState = new double[mb * h];
        // The per-step product state·RW: one BLAS call on native buffers made once (StepProduct),
        // or plain loops for small batches.
        boolean blas = mb >= blasMinBatch;
        double[] rw = heap(p.rw());
        StepProduct product = blas ? new StepProduct(rw, mb, h, g) : null;
        double[] recAll = new double[mb * g];
        for (int t = 0; t < steps; t++) {
            if (blas) {
                product.multiply(state, 0, recAll);
            } else {
                java.util.Arrays.fill(recAll, 0);
                for (int b = 0; b < mb; b++) {
                    if (m[t * mb + b] == 0) {
                        continue;
                    }
                    for (int k = 0; k < h; k++) {
                        double hk = state[b * h + k];
                        int base = k * g;
                        int out0 = b * g;
                        for (int j = 0; j < g; j++) {
                            recAll[out0 + j] += hk * rw[base + j];
                        }
                    }
                }
            }
            for (int b = 0; b < mb; b++) {
                int row = t * mb + b;
                if (m[row] == 0) {
                    continue; // padded: state carried, output stays 0
                }
                int rb0 = b * g;
                int pg = row * g;
                int ph = row * h;
                int sb = b * h;
                System.arraycopy(state, sb, hPrev, ph, h);
                if (cell == CellType.GRU) {
                    for (int j = 0; j < h; j++) {
                        double r = sigmoid(pre[pg + j] + recAll[rb0 + j] + rb[j]);
                        double z = sigmoid(pre[pg + h + j] + recAll[rb0 + h + j] + rb[h + j]);
                        double recN = recAll[rb0 + 2 * h + j] + rb[2 * h + j];
                        double n = tanh(pre[pg + 2 * h + j] + r * recN);
                        double hNew = (1 - z) * n + z * state[sb + j];
                        gates[pg + j] = r;
                        gates[pg + h + j] = z;
                        gates[pg + 2 * h + j] = n;
                        aux[ph + j] = recN;
                        state[sb + j] = hNew;
                        out[ph + j] = hNew;
                    }
                } else {
                    for (int j = 0; j < h; j++) {
                        double i = sigmoid(pre[pg + j] + recAll[rb0 + j]);
                        double f = sigmoid(pre[pg + h + j] + recAll[rb0 + h + j]);
                        double gg = tanh(pre[pg + 2 * h + j] + recAll[rb0 + 2 * h + j]);
                        double o = sigmoid(pre[pg + 3 * h + j] + recAll[rb0 + 3 * h + j]);
                        double c = f * cellState[sb + j] + i * gg;
                        double tc = tanh(c);
                        gates[pg + j] = i;
                        gates[pg + h + j] = f;
                        gates[pg + 2 * h + j] = gg;
                        gates[pg + 3 * h + j] = o;
                        aux[ph + j] = cellState[sb + j];
                        tanhC[ph + j] = tc;
                        cellState[sb + j] = c;
                        state[sb + j] = o * tc;
                        out[ph + j] = o * tc;
                    }
                }
            }
        }
        if (product != null) {
            product.close();
        }
        INDArray output = nd4j(out, new long[]{steps, mb, h}, x.dataType());
        return new Cache(x, steps, mb, m, gates, hPrev, aux, tanhC, output);
    }

    public Gradients backward(Cache k, INDArray dOut, RnnParams p) {
        int steps = k.steps;
        int mb = k.mb;
        int h = hidden;
        int g = cell.gates() * h;
        long nIn = k.x.size(2);
        double[] dout = heap(dOut);
        boolean blas = mb >= blasMinBatch;
        double[] rwT = heap(p.rw().transpose()); // [G, H]
        StepProduct product = blas ? new StepProduct(rwT, mb, g, h) : null;
        double[] add = blas ? new double[mb * h] : null;
        double[] dPre = new double[steps * mb * g];
        double[] dRec = cell == CellType.GRU ? new double[steps * mb * g] : dPre; // LSTM: identical
        double[] dh = new double[mb * h];
        double[] dc = new double[mb * h];
        for (int t = steps - 1; t >= 0; t--) {
            for (int b = 0; b < mb; b++) {
                int row = t * mb + b;
                if (k.mask[row] == 0) {
                    continue; // padded: dh and dc pass through unchanged
                }
                int pg = row * g;
                int ph = row * h;
                int sb = b * h;
                if (cell == CellType.GRU) {
                    for (int j = 0; j < h; j++) {
                        double dht = dh[sb + j] + dout[ph + j];
                        double r = k.gates[pg + j];
                        double z = k.gates[pg + h + j];
                        double n = k.gates[pg + 2 * h + j];
                        double hp = k.hPrev[ph + j];
                        double dn = dht * (1 - z) * (1 - n * n);
                        double dz = dht * (hp - n) * z * (1 - z);
                        double dr = dn * k.aux[ph + j] * r * (1 - r);
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
                        double dht = dh[sb + j] + dout[ph + j];
                        double i = k.gates[pg + j];
                        double f = k.gates[pg + h + j];
                        double gg = k.gates[pg + 2 * h + j];
                        double o = k.gates[pg + 3 * h + j];
                        double tc = k.tanhC[ph + j];
                        double dct = dc[sb + j] + dht * o * (1 - tc * tc);
                        dPre[pg + j] = dct * gg * i * (1 - i);
                        dPre[pg + h + j] = dct * k.aux[ph + j] * f * (1 - f);
                        dPre[pg + 2 * h + j] = dct * i * (1 - gg * gg);
                        dPre[pg + 3 * h + j] = dht * tc * o * (1 - o);
                        dc[sb + j] = dct * f;
                        dh[sb + j] = 0;
                    }
                }
            }
            // dh_prev += dRec_t · RWᵀ for the whole step (padded rows have dRec 0).
            if (blas) {
                product.multiply(dRec, t * mb * g, add);
                for (int i = 0; i < dh.length; i++) {
                    dh[i] += add[i];
                }
            } else {
                for (int b = 0; b < mb; b++) {
                    int pg = (t * mb + b) * g;
                    for (int j = 0; j < g; j++) {
                        double d = dRec[pg + j];
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
        DataType type = k.x.dataType();
        INDArray dPreFlat = nd4j(dPre, new long[]{(long) steps * mb, g}, type);
        INDArray dRecFlat = cell == CellType.GRU ? nd4j(dRec, new long[]{(long) steps * mb, g}, type) : dPreFlat;
        INDArray hPrevFlat = nd4j(k.hPrev, new long[]{(long) steps * mb, h}, type);
        INDArray xFlat = k.x.reshape('c', (long) steps * mb, nIn);
        INDArray drw = hPrevFlat.transpose().mmul(dRecFlat);
        INDArray drb = cell == CellType.GRU ? dRecFlat.sum(true, 0) : null;
        INDArray dw = xFlat.transpose().mmul(dPreFlat);
        INDArray db = dPreFlat.sum(true, 0);
        INDArray dx = dPreFlat.mmul(p.w().castTo(type).transpose()).reshape('c', steps, mb, nIn);
        OffHeap.release(dPreFlat, dRecFlat, hPrevFlat);
        if (product != null) {
            product.close();
        }
        return new Gradients(dx, dw, drw, db, drb);
    }
}
