package io.museflow.learn.rnn;

import io.museflow.learn.FloatMath;

/**
 * The LSTM and GRU step of one sequence for float networks, written as plain loops over float
 * arrays that HotSpot's C2 turns into SIMD code. The scalar double-precision loops of
 * {@link RecurrentPass} spent about 55 ns per unit and step (five {@code Math.exp} calls and five
 * divisions on one dependency chain, measured here); these take a few, through
 * {@link FloatMath}'s tanh and logistic. Double networks (the gradient checks) keep the exact scalar
 * loops; a test holds this path to them.
 */
final class FloatCells {
    private FloatCells() {
    }

    static void tanh(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = FloatMath.tanh(a[i]);
        }
    }

    static void sigmoid(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = FloatMath.sigmoid(a[i]);
        }
    }

    /**
     * LSTM forward for one sequence's step: {@code pre} at {@code pg} (x·W), {@code rec} at
     * {@code rb0} (h·RW); state and cell at {@code sb}; caches and output at {@code pg} / {@code ph}.
     * {@code a} is scratch of at least 5·h.
     */
    static void lstm(int h, int pg, int ph, int rb0, int sb, float[] pre, float[] bias, float[] rec, float[] state,
                     float[] cell, boolean training, float[] gates, float[] aux, float[] tanhC, float[] out, float[] a) {
        int g = 4 * h;
        for (int j = 0; j < g; j++) {
            a[j] = pre[pg + j] + bias[j] + rec[rb0 + j];
        }
        sigmoid(a, 0, 2 * h);
        tanh(a, 2 * h, 3 * h);
        sigmoid(a, 3 * h, g);
        int c0 = g;
        for (int j = 0; j < h; j++) {
            a[c0 + j] = a[h + j] * cell[sb + j] + a[j] * a[2 * h + j];
        }
        if (training) {
            System.arraycopy(cell, sb, aux, ph, h);
            System.arraycopy(a, 0, gates, pg, g);
        }
        System.arraycopy(a, c0, cell, sb, h);
        tanh(a, c0, c0 + h);
        for (int j = 0; j < h; j++) {
            float v = a[3 * h + j] * a[c0 + j];
            state[sb + j] = v;
            out[ph + j] = v;
        }
        if (training) {
            System.arraycopy(a, c0, tanhC, ph, h);
        }
    }

    /** GRU forward for one sequence's step; {@code rb} is the recurrent-side bias; {@code a} scratch of 4·h. */
    static void gru(int h, int pg, int ph, int rb0, int sb, float[] pre, float[] bias, float[] rec, float[] rb,
                    float[] state, boolean training, float[] gates, float[] aux, float[] out, float[] a) {
        for (int j = 0; j < 2 * h; j++) {
            a[j] = pre[pg + j] + bias[j] + rec[rb0 + j] + rb[j];
        }
        sigmoid(a, 0, 2 * h);
        int n0 = 2 * h;
        int r0 = 3 * h;
        for (int j = 0; j < h; j++) {
            float recN = rec[rb0 + n0 + j] + rb[n0 + j];
            a[r0 + j] = recN;
            a[n0 + j] = pre[pg + n0 + j] + bias[n0 + j] + a[j] * recN;
        }
        tanh(a, n0, n0 + h);
        for (int j = 0; j < h; j++) {
            float z = a[h + j];
            float v = (1 - z) * a[n0 + j] + z * state[sb + j];
            state[sb + j] = v;
            out[ph + j] = v;
        }
        if (training) {
            System.arraycopy(a, 0, gates, pg, 3 * h);
            System.arraycopy(a, r0, aux, ph, h);
        }
    }

    /**
     * LSTM backward for one sequence's step: reads {@code dh}, {@code dc} and the caches; writes the
     * gate gradients to {@code dPre} at {@code pg} and to {@code stepRec} at {@code sg}, adds them to
     * {@code db}, leaves {@code dc} for the previous step and {@code dh} at 0 (the recurrent product
     * follows). {@code a} is scratch of at least h.
     */
    static void lstmBackward(int h, int pg, int ph, int sg, int sb, float[] dh, float[] dc, float[] dOut,
                             float[] gates, float[] tanhC, float[] aux, float[] dPre, float[] stepRec, float[] db,
                             float[] a) {
        lstmBackward(0, h, pg, ph, sg, sb, dh, dc, dOut, gates, tanhC, aux, dPre, stepRec, db, a);
    }

    /** {@link #lstmBackward} for units {@code [from, h)} only (the vector kernels' last units). */
    static void lstmBackward(int from, int h, int pg, int ph, int sg, int sb, float[] dh, float[] dc, float[] dOut,
                             float[] gates, float[] tanhC, float[] aux, float[] dPre, float[] stepRec, float[] db,
                             float[] a) {
        int f0 = h;
        int g0 = 2 * h;
        int o0 = 3 * h;
        for (int j = from; j < h; j++) {
            float dht = dh[sb + j] + dOut[ph + j];
            float tc = tanhC[ph + j];
            float o = gates[pg + o0 + j];
            a[j] = dc[sb + j] + dht * o * (1 - tc * tc);
            dPre[pg + o0 + j] = dht * tc * o * (1 - o);
        }
        for (int j = from; j < h; j++) {
            float i = gates[pg + j];
            dPre[pg + j] = a[j] * gates[pg + g0 + j] * i * (1 - i);
        }
        for (int j = from; j < h; j++) {
            float f = gates[pg + f0 + j];
            dPre[pg + f0 + j] = a[j] * aux[ph + j] * f * (1 - f);
            dc[sb + j] = a[j] * f;
        }
        for (int j = from; j < h; j++) {
            float gg = gates[pg + g0 + j];
            dPre[pg + g0 + j] = a[j] * gates[pg + j] * (1 - gg * gg);
            dh[sb + j] = 0;
        }
        for (int k = 0; k < 4 * h; k += h) {
            System.arraycopy(dPre, pg + k + from, stepRec, sg + k + from, h - from);
            for (int j = k + from; j < k + h; j++) {
                db[j] += dPre[pg + j];
            }
        }
    }

    /** GRU backward for one sequence's step (see {@link #lstmBackward}); {@code dh} keeps the z·h path. */
    static void gruBackward(int h, int pg, int ph, int sg, int sb, float[] dh, float[] dOut, float[] gates,
                            float[] hPrev, float[] aux, float[] dPre, float[] stepRec, float[] db, float[] drb) {
        gruBackward(0, h, pg, ph, sg, sb, dh, dOut, gates, hPrev, aux, dPre, stepRec, db, drb);
    }

    /** {@link #gruBackward} for units {@code [from, h)} only (the vector kernels' last units). */
    static void gruBackward(int from, int h, int pg, int ph, int sg, int sb, float[] dh, float[] dOut, float[] gates,
                            float[] hPrev, float[] aux, float[] dPre, float[] stepRec, float[] db, float[] drb) {
        int z0 = h;
        int n0 = 2 * h;
        for (int j = from; j < h; j++) {
            float dht = dh[sb + j] + dOut[ph + j];
            float r = gates[pg + j];
            float z = gates[pg + z0 + j];
            float n = gates[pg + n0 + j];
            float dn = dht * (1 - z) * (1 - n * n);
            float dz = dht * (hPrev[ph + j] - n) * z * (1 - z);
            float dr = dn * aux[ph + j] * r * (1 - r);
            dPre[pg + j] = dr;
            dPre[pg + z0 + j] = dz;
            dPre[pg + n0 + j] = dn;
            stepRec[sg + j] = dr;
            stepRec[sg + z0 + j] = dz;
            stepRec[sg + n0 + j] = dn * r;
            dh[sb + j] = dht * z;
        }
        for (int k = 0; k < 3 * h; k += h) {
            for (int j = k + from; j < k + h; j++) {
                db[j] += dPre[pg + j];
                drb[j] += stepRec[sg + j];
            }
        }
    }
}
