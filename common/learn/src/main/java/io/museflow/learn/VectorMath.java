package io.museflow.learn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatMath}'s tanh, logistic and exp on whole SIMD registers (the Vector API), and the
 * softmax row built on them. The same rational approximations, evaluated with fused multiply-adds,
 * so results agree with {@link FloatMath} to a few float ulps, not bit for bit. Load this class only
 * when {@link Simd#ENABLED} (it names incubator types).
 *
 * <p>The register width is the machine's preferred one (512 bits with AVX-512, 256 with AVX2): a
 * loop of 64 floats is then four or eight vector iterations with no scalar pre- and post-loop,
 * which is what C2's own vectorization spends most of a short loop in.
 */
public final class VectorMath {
    /** The register shape every vector kernel uses. */
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final float CLAMP = FloatMath.TANH_CLAMP;

    private VectorMath() {
    }

    private static FloatVector numerator(FloatVector x2) {
        FloatVector p = FloatVector.broadcast(SPECIES, FloatMath.P6);
        p = p.fma(x2, FloatVector.broadcast(SPECIES, FloatMath.P5));
        p = p.fma(x2, FloatVector.broadcast(SPECIES, FloatMath.P4));
        p = p.fma(x2, FloatVector.broadcast(SPECIES, FloatMath.P3));
        p = p.fma(x2, FloatVector.broadcast(SPECIES, FloatMath.P2));
        p = p.fma(x2, FloatVector.broadcast(SPECIES, FloatMath.P1));
        return p.fma(x2, FloatVector.broadcast(SPECIES, FloatMath.P0));
    }

    private static FloatVector denominator(FloatVector x2) {
        FloatVector q = FloatVector.broadcast(SPECIES, FloatMath.Q3);
        q = q.fma(x2, FloatVector.broadcast(SPECIES, FloatMath.Q2));
        q = q.fma(x2, FloatVector.broadcast(SPECIES, FloatMath.Q1));
        return q.fma(x2, FloatVector.broadcast(SPECIES, FloatMath.Q0));
    }

    public static FloatVector tanh(FloatVector v) {
        FloatVector x = v.max(-CLAMP).min(CLAMP);
        FloatVector x2 = x.mul(x);
        return x.mul(numerator(x2)).div(denominator(x2));
    }

    /** The logistic function, {@code ½ + ½·tanh(x/2)}. */
    public static FloatVector sigmoid(FloatVector v) {
        return tanh(v.mul(0.5f)).fma(FloatVector.broadcast(SPECIES, 0.5f), FloatVector.broadcast(SPECIES, 0.5f));
    }

    /** {@link FloatMath#expNonPositive} on a register. */
    public static FloatVector expNonPositive(FloatVector x) {
        FloatVector u = x.mul(0.5f).max(-CLAMP).min(CLAMP);
        FloatVector u2 = u.mul(u);
        FloatVector up = u.mul(numerator(u2));
        FloatVector q = denominator(u2);
        return q.add(up).div(q.sub(up));
    }

    /**
     * Softmax of {@code s[from, from + n)} scaled by {@code scale}, in place: the maximum, then
     * {@code exp(scale·(s − max))} and its sum in one pass, then the division.
     */
    public static void softmax(float[] s, int from, int n, float scale) {
        int width = SPECIES.length();
        int bound = SPECIES.loopBound(n);
        int end = from + n;
        FloatVector maxV = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        int j = from;
        for (; j < from + bound; j += width) {
            maxV = maxV.max(FloatVector.fromArray(SPECIES, s, j));
        }
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (; j < end; j++) {
            max = Math.max(max, s[j]);
        }
        float shift = max * scale;
        FloatVector sumV = FloatVector.zero(SPECIES);
        for (j = from; j < from + bound; j += width) {
            FloatVector e = expNonPositive(FloatVector.fromArray(SPECIES, s, j).mul(scale).sub(shift));
            e.intoArray(s, j);
            sumV = sumV.add(e);
        }
        float sum = sumV.reduceLanes(VectorOperators.ADD);
        for (; j < end; j++) {
            float e = FloatMath.expNonPositive(s[j] * scale - shift);
            s[j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (j = from; j < from + bound; j += width) {
            FloatVector.fromArray(SPECIES, s, j).mul(inv).intoArray(s, j);
        }
        for (; j < end; j++) {
            s[j] *= inv;
        }
    }
}
