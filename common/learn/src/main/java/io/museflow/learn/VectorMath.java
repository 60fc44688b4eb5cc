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

    // The coefficients as constant registers: a broadcast call per coefficient made tanh too large
    // for C2 to inline into the kernels, and a register that leaves a compiled method is boxed.
    private static final FloatVector P6 = FloatVector.broadcast(SPECIES, FloatMath.P6);
    private static final FloatVector P5 = FloatVector.broadcast(SPECIES, FloatMath.P5);
    private static final FloatVector P4 = FloatVector.broadcast(SPECIES, FloatMath.P4);
    private static final FloatVector P3 = FloatVector.broadcast(SPECIES, FloatMath.P3);
    private static final FloatVector P2 = FloatVector.broadcast(SPECIES, FloatMath.P2);
    private static final FloatVector P1 = FloatVector.broadcast(SPECIES, FloatMath.P1);
    private static final FloatVector P0 = FloatVector.broadcast(SPECIES, FloatMath.P0);
    private static final FloatVector Q3 = FloatVector.broadcast(SPECIES, FloatMath.Q3);
    private static final FloatVector Q2 = FloatVector.broadcast(SPECIES, FloatMath.Q2);
    private static final FloatVector Q1 = FloatVector.broadcast(SPECIES, FloatMath.Q1);
    private static final FloatVector Q0 = FloatVector.broadcast(SPECIES, FloatMath.Q0);
    private static final FloatVector HALF = FloatVector.broadcast(SPECIES, 0.5f);

    /** {@code tanh(x) = x·P(x²)/Q(x²)} of {@code x} already clamped to ±{@link FloatMath#TANH_CLAMP}. */
    private static FloatVector tanhClamped(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector p = P6.fma(x2, P5).fma(x2, P4).fma(x2, P3).fma(x2, P2).fma(x2, P1).fma(x2, P0);
        FloatVector q = Q3.fma(x2, Q2).fma(x2, Q1).fma(x2, Q0);
        return x.mul(p).div(q);
    }

    public static FloatVector tanh(FloatVector v) {
        return tanhClamped(v.max(-CLAMP).min(CLAMP));
    }

    /** The logistic function, {@code ½ + ½·tanh(x/2)}. */
    public static FloatVector sigmoid(FloatVector v) {
        return tanh(v.mul(HALF)).fma(HALF, HALF);
    }

    /** {@link FloatMath#expNonPositive} on a register. */
    public static FloatVector expNonPositive(FloatVector x) {
        FloatVector u = x.mul(HALF).max(-CLAMP).min(CLAMP);
        FloatVector u2 = u.mul(u);
        FloatVector up = u.mul(P6.fma(u2, P5).fma(u2, P4).fma(u2, P3).fma(u2, P2).fma(u2, P1).fma(u2, P0));
        FloatVector q = Q3.fma(u2, Q2).fma(u2, Q1).fma(u2, Q0);
        return q.add(up).div(q.sub(up));
    }

    /** {@code a[from, to)} replaced by its tanh. */
    public static void tanh(float[] a, int from, int to) {
        int j = from;
        for (int bound = from + SPECIES.loopBound(to - from); j < bound; j += SPECIES.length()) {
            tanh(FloatVector.fromArray(SPECIES, a, j)).intoArray(a, j);
        }
        for (; j < to; j++) {
            a[j] = FloatMath.tanh(a[j]);
        }
    }

    /** {@code a[from, to)} replaced by its logistic function. */
    public static void sigmoid(float[] a, int from, int to) {
        int j = from;
        for (int bound = from + SPECIES.loopBound(to - from); j < bound; j += SPECIES.length()) {
            sigmoid(FloatVector.fromArray(SPECIES, a, j)).intoArray(a, j);
        }
        for (; j < to; j++) {
            a[j] = FloatMath.sigmoid(a[j]);
        }
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
