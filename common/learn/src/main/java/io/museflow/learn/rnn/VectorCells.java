package io.museflow.learn.rnn;

import io.museflow.learn.VectorMath;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatCells}' four step kernels on the Vector API, with the same arguments and effects;
 * results agree with {@link FloatCells} to float rounding (the activations' fused multiply-adds),
 * which {@code VectorCellsTest} holds. Used only when {@link io.museflow.learn.Simd#ENABLED}.
 *
 * <p>Written so that C2 keeps every register in a register: a method that passes a
 * {@code FloatVector} to or from a call C2 does not inline boxes it (an object per operation: 650 MB
 * of garbage a second and the kernels slower than the plain loops, seen with
 * {@code -XX:+PrintInlining} when whole-step kernels exceeded C2's inlining budget). So the
 * forward steps run gate by gate through a scratch row like {@link FloatCells} (each activation one
 * small loop, {@link VectorMath#sigmoid(float[], int, int)}), the backward steps as one small loop
 * over whole registers of units; the units past the last whole register go to {@link FloatCells}.
 */
final class VectorCells {
    private static final VectorSpecies<Float> S = VectorMath.SPECIES;
    private static final int W = S.length();

    private VectorCells() {
    }

    /** {@code a[0, n) = x[xi, xi + n) + y[yi, yi + n) + z[zi, zi + n)}. */
    private static void sum(float[] a, int n, float[] x, int xi, float[] y, int yi, float[] z, int zi) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += W) {
            FloatVector.fromArray(S, x, xi + j).add(FloatVector.fromArray(S, y, yi + j))
                    .add(FloatVector.fromArray(S, z, zi + j)).intoArray(a, j);
        }
        for (; j < n; j++) {
            a[j] = x[xi + j] + y[yi + j] + z[zi + j];
        }
    }

    /** LSTM forward (see {@link FloatCells#lstm}); {@code a} is scratch of at least 5·h. */
    static void lstm(int h, int pg, int ph, int rb0, int sb, float[] pre, float[] bias, float[] rec, float[] state,
                     float[] cell, boolean training, float[] gates, float[] aux, float[] tanhC, float[] out, float[] a) {
        int g = 4 * h;
        sum(a, g, pre, pg, bias, 0, rec, rb0);
        // σ(x) = ½ + ½·tanh(x/2): one tanh loop over all four gates instead of three activation
        // loops, fewer nodes for C2 to inline (VectorMath's note on NodeCountInliningCutoff).
        VectorMath.halve(a, 0, 2 * h);
        VectorMath.halve(a, 3 * h, g);
        VectorMath.tanh(a, 0, g);
        VectorMath.halfPlusHalf(a, 0, 2 * h);
        VectorMath.halfPlusHalf(a, 3 * h, g);
        int c0 = g;
        int j = 0;
        for (int bound = S.loopBound(h); j < bound; j += W) {
            FloatVector f = FloatVector.fromArray(S, a, h + j);
            FloatVector i = FloatVector.fromArray(S, a, j);
            FloatVector gg = FloatVector.fromArray(S, a, 2 * h + j);
            f.mul(FloatVector.fromArray(S, cell, sb + j)).add(i.mul(gg)).intoArray(a, c0 + j);
        }
        for (; j < h; j++) {
            a[c0 + j] = a[h + j] * cell[sb + j] + a[j] * a[2 * h + j];
        }
        if (training) {
            System.arraycopy(cell, sb, aux, ph, h);
            System.arraycopy(a, 0, gates, pg, g);
        }
        System.arraycopy(a, c0, cell, sb, h);
        VectorMath.tanh(a, c0, c0 + h);
        j = 0;
        for (int bound = S.loopBound(h); j < bound; j += W) {
            FloatVector v = FloatVector.fromArray(S, a, 3 * h + j).mul(FloatVector.fromArray(S, a, c0 + j));
            v.intoArray(state, sb + j);
            v.intoArray(out, ph + j);
        }
        for (; j < h; j++) {
            float v = a[3 * h + j] * a[c0 + j];
            state[sb + j] = v;
            out[ph + j] = v;
        }
        if (training) {
            System.arraycopy(a, c0, tanhC, ph, h);
        }
    }

    /** GRU forward (see {@link FloatCells#gru}); {@code a} is scratch of at least 4·h. */
    static void gru(int h, int pg, int ph, int rb0, int sb, float[] pre, float[] bias, float[] rec, float[] rb,
                    float[] state, boolean training, float[] gates, float[] aux, float[] out, float[] a) {
        sum(a, 2 * h, pre, pg, bias, 0, rec, rb0);
        int j = 0;
        for (int bound = S.loopBound(2 * h); j < bound; j += W) {
            FloatVector.fromArray(S, a, j).add(FloatVector.fromArray(S, rb, j)).intoArray(a, j);
        }
        for (; j < 2 * h; j++) {
            a[j] += rb[j];
        }
        VectorMath.sigmoid(a, 0, 2 * h);
        int n0 = 2 * h;
        int r0 = 3 * h;
        j = 0;
        for (int bound = S.loopBound(h); j < bound; j += W) {
            FloatVector recN = FloatVector.fromArray(S, rec, rb0 + n0 + j).add(FloatVector.fromArray(S, rb, n0 + j));
            recN.intoArray(a, r0 + j);
            FloatVector.fromArray(S, pre, pg + n0 + j).add(FloatVector.fromArray(S, bias, n0 + j))
                    .add(FloatVector.fromArray(S, a, j).mul(recN)).intoArray(a, n0 + j);
        }
        for (; j < h; j++) {
            float recN = rec[rb0 + n0 + j] + rb[n0 + j];
            a[r0 + j] = recN;
            a[n0 + j] = pre[pg + n0 + j] + bias[n0 + j] + a[j] * recN;
        }
        VectorMath.tanh(a, n0, n0 + h);
        j = 0;
        for (int bound = S.loopBound(h); j < bound; j += W) {
            FloatVector z = FloatVector.fromArray(S, a, h + j);
            FloatVector v = z.neg().add(1f).mul(FloatVector.fromArray(S, a, n0 + j))
                    .add(z.mul(FloatVector.fromArray(S, state, sb + j)));
            v.intoArray(state, sb + j);
            v.intoArray(out, ph + j);
        }
        for (; j < h; j++) {
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

    /** LSTM backward (see {@link FloatCells#lstmBackward}); {@code a} is scratch of at least h. */
    static void lstmBackward(int h, int pg, int ph, int sg, int sb, float[] dh, float[] dc, float[] dOut,
                             float[] gates, float[] tanhC, float[] aux, float[] dPre, float[] stepRec, float[] db,
                             float[] a) {
        int bound = S.loopBound(h);
        for (int j = 0; j < bound; j += W) {
            FloatVector dht = FloatVector.fromArray(S, dh, sb + j).add(FloatVector.fromArray(S, dOut, ph + j));
            FloatVector tc = FloatVector.fromArray(S, tanhC, ph + j);
            FloatVector i = FloatVector.fromArray(S, gates, pg + j);
            FloatVector f = FloatVector.fromArray(S, gates, pg + h + j);
            FloatVector g = FloatVector.fromArray(S, gates, pg + 2 * h + j);
            FloatVector o = FloatVector.fromArray(S, gates, pg + 3 * h + j);
            FloatVector dct = FloatVector.fromArray(S, dc, sb + j).add(dht.mul(o).mul(tc.mul(tc).neg().add(1f)));
            FloatVector di = dct.mul(g).mul(i).mul(i.neg().add(1f));
            FloatVector df = dct.mul(FloatVector.fromArray(S, aux, ph + j)).mul(f).mul(f.neg().add(1f));
            FloatVector dg = dct.mul(i).mul(g.mul(g).neg().add(1f));
            FloatVector dO = dht.mul(tc).mul(o).mul(o.neg().add(1f));
            di.intoArray(dPre, pg + j);
            df.intoArray(dPre, pg + h + j);
            dg.intoArray(dPre, pg + 2 * h + j);
            dO.intoArray(dPre, pg + 3 * h + j);
            di.intoArray(stepRec, sg + j);
            df.intoArray(stepRec, sg + h + j);
            dg.intoArray(stepRec, sg + 2 * h + j);
            dO.intoArray(stepRec, sg + 3 * h + j);
            FloatVector.fromArray(S, db, j).add(di).intoArray(db, j);
            FloatVector.fromArray(S, db, h + j).add(df).intoArray(db, h + j);
            FloatVector.fromArray(S, db, 2 * h + j).add(dg).intoArray(db, 2 * h + j);
            FloatVector.fromArray(S, db, 3 * h + j).add(dO).intoArray(db, 3 * h + j);
            dct.mul(f).intoArray(dc, sb + j);
            FloatVector.zero(S).intoArray(dh, sb + j);
        }
        if (bound < h) {
            FloatCells.lstmBackward(bound, h, pg, ph, sg, sb, dh, dc, dOut, gates, tanhC, aux, dPre, stepRec, db, a);
        }
    }

    /** GRU backward (see {@link FloatCells#gruBackward}). */
    static void gruBackward(int h, int pg, int ph, int sg, int sb, float[] dh, float[] dOut, float[] gates,
                            float[] hPrev, float[] aux, float[] dPre, float[] stepRec, float[] db, float[] drb) {
        int bound = S.loopBound(h);
        for (int j = 0; j < bound; j += W) {
            FloatVector dht = FloatVector.fromArray(S, dh, sb + j).add(FloatVector.fromArray(S, dOut, ph + j));
            FloatVector r = FloatVector.fromArray(S, gates, pg + j);
            FloatVector z = FloatVector.fromArray(S, gates, pg + h + j);
            FloatVector n = FloatVector.fromArray(S, gates, pg + 2 * h + j);
            FloatVector oneMinusZ = z.neg().add(1f);
            FloatVector dn = dht.mul(oneMinusZ).mul(n.mul(n).neg().add(1f));
            FloatVector dz = dht.mul(FloatVector.fromArray(S, hPrev, ph + j).sub(n)).mul(z).mul(oneMinusZ);
            FloatVector dr = dn.mul(FloatVector.fromArray(S, aux, ph + j)).mul(r).mul(r.neg().add(1f));
            FloatVector dnRec = dn.mul(r);
            dr.intoArray(dPre, pg + j);
            dz.intoArray(dPre, pg + h + j);
            dn.intoArray(dPre, pg + 2 * h + j);
            dr.intoArray(stepRec, sg + j);
            dz.intoArray(stepRec, sg + h + j);
            dnRec.intoArray(stepRec, sg + 2 * h + j);
            FloatVector.fromArray(S, db, j).add(dr).intoArray(db, j);
            FloatVector.fromArray(S, db, h + j).add(dz).intoArray(db, h + j);
            FloatVector.fromArray(S, db, 2 * h + j).add(dn).intoArray(db, 2 * h + j);
            FloatVector.fromArray(S, drb, j).add(dr).intoArray(drb, j);
            FloatVector.fromArray(S, drb, h + j).add(dz).intoArray(drb, h + j);
            FloatVector.fromArray(S, drb, 2 * h + j).add(dnRec).intoArray(drb, 2 * h + j);
            dht.mul(z).intoArray(dh, sb + j);
        }
        if (bound < h) {
            FloatCells.gruBackward(bound, h, pg, ph, sg, sb, dh, dOut, gates, hPrev, aux, dPre, stepRec, db, drb);
        }
    }
}
