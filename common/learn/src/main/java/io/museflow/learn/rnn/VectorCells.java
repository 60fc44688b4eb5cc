package io.museflow.learn.rnn;

import io.museflow.learn.VectorMath;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatCells}' four step kernels on the Vector API: one pass over the units that computes
 * every gate of a unit block in registers, instead of a loop per gate. Same arguments and effects
 * as the {@link FloatCells} method of the same name (its scratch array is not needed); results
 * agree with it to float rounding (fused multiply-adds), which {@code VectorCellsTest} holds.
 * Used only when {@link io.museflow.learn.Simd#ENABLED}.
 *
 * <p>Each kernel runs its body unmasked over whole registers and once more masked for the last
 * {@code h mod width} units; a {@code null} mask is the unmasked case (C2 folds the test away).
 */
final class VectorCells {
    private static final VectorSpecies<Float> S = VectorMath.SPECIES;

    private VectorCells() {
    }

    private static FloatVector load(float[] a, int at, VectorMask<Float> m) {
        return m == null ? FloatVector.fromArray(S, a, at) : FloatVector.fromArray(S, a, at, m);
    }

    private static void store(FloatVector v, float[] a, int at, VectorMask<Float> m) {
        if (m == null) {
            v.intoArray(a, at);
        } else {
            v.intoArray(a, at, m);
        }
    }

    static void lstm(int h, int pg, int ph, int rb0, int sb, float[] pre, float[] bias, float[] rec, float[] state,
                     float[] cell, boolean training, float[] gates, float[] aux, float[] tanhC, float[] out) {
        int bound = S.loopBound(h);
        int j = 0;
        for (; j < bound; j += S.length()) {
            lstmBlock(h, j, null, pg, ph, rb0, sb, pre, bias, rec, state, cell, training, gates, aux, tanhC, out);
        }
        if (j < h) {
            lstmBlock(h, j, S.indexInRange(j, h), pg, ph, rb0, sb, pre, bias, rec, state, cell, training, gates, aux,
                    tanhC, out);
        }
    }

    private static FloatVector preActivation(int k, int j, VectorMask<Float> m, int pg, int rb0, float[] pre,
                                             float[] bias, float[] rec) {
        return load(pre, pg + k + j, m).add(load(bias, k + j, m)).add(load(rec, rb0 + k + j, m));
    }

    private static void lstmBlock(int h, int j, VectorMask<Float> m, int pg, int ph, int rb0, int sb, float[] pre,
                                  float[] bias, float[] rec, float[] state, float[] cell, boolean training,
                                  float[] gates, float[] aux, float[] tanhC, float[] out) {
        FloatVector i = VectorMath.sigmoid(preActivation(0, j, m, pg, rb0, pre, bias, rec));
        FloatVector f = VectorMath.sigmoid(preActivation(h, j, m, pg, rb0, pre, bias, rec));
        FloatVector g = VectorMath.tanh(preActivation(2 * h, j, m, pg, rb0, pre, bias, rec));
        FloatVector o = VectorMath.sigmoid(preActivation(3 * h, j, m, pg, rb0, pre, bias, rec));
        FloatVector cPrev = load(cell, sb + j, m);
        FloatVector c = f.mul(cPrev).add(i.mul(g));
        FloatVector tc = VectorMath.tanh(c);
        FloatVector v = o.mul(tc);
        if (training) {
            store(i, gates, pg + j, m);
            store(f, gates, pg + h + j, m);
            store(g, gates, pg + 2 * h + j, m);
            store(o, gates, pg + 3 * h + j, m);
            store(cPrev, aux, ph + j, m);
            store(tc, tanhC, ph + j, m);
        }
        store(c, cell, sb + j, m);
        store(v, state, sb + j, m);
        store(v, out, ph + j, m);
    }

    static void gru(int h, int pg, int ph, int rb0, int sb, float[] pre, float[] bias, float[] rec, float[] rb,
                    float[] state, boolean training, float[] gates, float[] aux, float[] out) {
        int bound = S.loopBound(h);
        int j = 0;
        for (; j < bound; j += S.length()) {
            gruBlock(h, j, null, pg, ph, rb0, sb, pre, bias, rec, rb, state, training, gates, aux, out);
        }
        if (j < h) {
            gruBlock(h, j, S.indexInRange(j, h), pg, ph, rb0, sb, pre, bias, rec, rb, state, training, gates, aux, out);
        }
    }

    private static void gruBlock(int h, int j, VectorMask<Float> m, int pg, int ph, int rb0, int sb, float[] pre,
                                 float[] bias, float[] rec, float[] rb, float[] state, boolean training,
                                 float[] gates, float[] aux, float[] out) {
        FloatVector r = VectorMath.sigmoid(preActivation(0, j, m, pg, rb0, pre, bias, rec).add(load(rb, j, m)));
        FloatVector z = VectorMath.sigmoid(preActivation(h, j, m, pg, rb0, pre, bias, rec).add(load(rb, h + j, m)));
        FloatVector recN = load(rec, rb0 + 2 * h + j, m).add(load(rb, 2 * h + j, m));
        FloatVector n = VectorMath.tanh(load(pre, pg + 2 * h + j, m).add(load(bias, 2 * h + j, m)).add(r.mul(recN)));
        FloatVector prev = load(state, sb + j, m);
        FloatVector v = z.neg().add(1f).mul(n).add(z.mul(prev));
        store(v, state, sb + j, m);
        store(v, out, ph + j, m);
        if (training) {
            store(r, gates, pg + j, m);
            store(z, gates, pg + h + j, m);
            store(n, gates, pg + 2 * h + j, m);
            store(recN, aux, ph + j, m);
        }
    }

    static void lstmBackward(int h, int pg, int ph, int sg, int sb, float[] dh, float[] dc, float[] dOut,
                             float[] gates, float[] tanhC, float[] aux, float[] dPre, float[] stepRec, float[] db) {
        int bound = S.loopBound(h);
        int j = 0;
        for (; j < bound; j += S.length()) {
            lstmBackwardBlock(h, j, null, pg, ph, sg, sb, dh, dc, dOut, gates, tanhC, aux, dPre, stepRec, db);
        }
        if (j < h) {
            lstmBackwardBlock(h, j, S.indexInRange(j, h), pg, ph, sg, sb, dh, dc, dOut, gates, tanhC, aux, dPre,
                    stepRec, db);
        }
    }

    /** Stores a gate gradient to dPre and the step's recurrent rows and adds it to its bias gradient. */
    private static void gateGradient(FloatVector d, int k, int j, VectorMask<Float> m, int pg, int sg, float[] dPre,
                                     float[] stepRec, float[] db) {
        store(d, dPre, pg + k + j, m);
        store(d, stepRec, sg + k + j, m);
        store(load(db, k + j, m).add(d), db, k + j, m);
    }

    private static void lstmBackwardBlock(int h, int j, VectorMask<Float> m, int pg, int ph, int sg, int sb,
                                          float[] dh, float[] dc, float[] dOut, float[] gates, float[] tanhC,
                                          float[] aux, float[] dPre, float[] stepRec, float[] db) {
        FloatVector dht = load(dh, sb + j, m).add(load(dOut, ph + j, m));
        FloatVector tc = load(tanhC, ph + j, m);
        FloatVector i = load(gates, pg + j, m);
        FloatVector f = load(gates, pg + h + j, m);
        FloatVector g = load(gates, pg + 2 * h + j, m);
        FloatVector o = load(gates, pg + 3 * h + j, m);
        FloatVector dct = load(dc, sb + j, m).add(dht.mul(o).mul(tc.mul(tc).neg().add(1f)));
        gateGradient(dct.mul(g).mul(i).mul(i.neg().add(1f)), 0, j, m, pg, sg, dPre, stepRec, db);
        gateGradient(dct.mul(load(aux, ph + j, m)).mul(f).mul(f.neg().add(1f)), h, j, m, pg, sg, dPre, stepRec, db);
        gateGradient(dct.mul(i).mul(g.mul(g).neg().add(1f)), 2 * h, j, m, pg, sg, dPre, stepRec, db);
        gateGradient(dht.mul(tc).mul(o).mul(o.neg().add(1f)), 3 * h, j, m, pg, sg, dPre, stepRec, db);
        store(dct.mul(f), dc, sb + j, m);
        store(FloatVector.zero(S), dh, sb + j, m);
    }

    static void gruBackward(int h, int pg, int ph, int sg, int sb, float[] dh, float[] dOut, float[] gates,
                            float[] hPrev, float[] aux, float[] dPre, float[] stepRec, float[] db, float[] drb) {
        int bound = S.loopBound(h);
        int j = 0;
        for (; j < bound; j += S.length()) {
            gruBackwardBlock(h, j, null, pg, ph, sg, sb, dh, dOut, gates, hPrev, aux, dPre, stepRec, db, drb);
        }
        if (j < h) {
            gruBackwardBlock(h, j, S.indexInRange(j, h), pg, ph, sg, sb, dh, dOut, gates, hPrev, aux, dPre, stepRec,
                    db, drb);
        }
    }

    private static void gruBackwardBlock(int h, int j, VectorMask<Float> m, int pg, int ph, int sg, int sb,
                                         float[] dh, float[] dOut, float[] gates, float[] hPrev, float[] aux,
                                         float[] dPre, float[] stepRec, float[] db, float[] drb) {
        FloatVector dht = load(dh, sb + j, m).add(load(dOut, ph + j, m));
        FloatVector r = load(gates, pg + j, m);
        FloatVector z = load(gates, pg + h + j, m);
        FloatVector n = load(gates, pg + 2 * h + j, m);
        FloatVector oneMinusZ = z.neg().add(1f);
        FloatVector dn = dht.mul(oneMinusZ).mul(n.mul(n).neg().add(1f));
        FloatVector dz = dht.mul(load(hPrev, ph + j, m).sub(n)).mul(z).mul(oneMinusZ);
        FloatVector dr = dn.mul(load(aux, ph + j, m)).mul(r).mul(r.neg().add(1f));
        FloatVector dnRec = dn.mul(r);
        recurrentGradient(dr, dr, 0, j, m, pg, sg, dPre, stepRec, db, drb);
        recurrentGradient(dz, dz, h, j, m, pg, sg, dPre, stepRec, db, drb);
        recurrentGradient(dn, dnRec, 2 * h, j, m, pg, sg, dPre, stepRec, db, drb);
        store(dht.mul(z), dh, sb + j, m);
    }

    /** A GRU gate's input-side gradient {@code d} and recurrent-side {@code dRecGate}, stored and summed. */
    private static void recurrentGradient(FloatVector d, FloatVector dRecGate, int k, int j, VectorMask<Float> m,
                                          int pg, int sg, float[] dPre, float[] stepRec, float[] db, float[] drb) {
        store(d, dPre, pg + k + j, m);
        store(dRecGate, stepRec, sg + k + j, m);
        store(load(db, k + j, m).add(d), db, k + j, m);
        store(load(drb, k + j, m).add(dRecGate), drb, k + j, m);
    }
}
