package io.museflow.learn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatMath}'s tanh, logistic and exp on whole SIMD registers (the Vector API), over array
 * ranges, and the softmax row built on them. The same rational approximations, evaluated with
 * fused multiply-adds, so results agree with {@link FloatMath} to a few float ulps, not bit for bit.
 * Load this class only when {@link Simd#ENABLED} (it names incubator types).
 *
 * <p>The register width is the machine's preferred one (512 bits with AVX-512, 256 with AVX2): a
 * loop of 64 floats is then four or eight vector iterations with no scalar pre- and post-loop,
 * which is what C2's own vectorization spends most of a short loop in.
 *
 * <p>Every method takes array ranges, none takes or returns a register: C2 boxes a register that
 * crosses a call it did not inline, and a kernel that inlines several activation loops runs into
 * its NodeCountInliningCutoff part way (seen with {@code -XX:+PrintInlining}: the inner tanh of the
 * LSTM's last gates boxed, {@code FloatVector.div} falling back to its lane-by-lane Java loop). A
 * cut between array methods only costs a call.
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

    /**
     * {@code a[from, to)} replaced by its tanh, {@code x·P(x²)/Q(x²)} of x clamped to
     * ±{@link FloatMath#TANH_CLAMP}.
     */
    public static void tanh(float[] a, int from, int to) {
        int j = from;
        for (int bound = from + SPECIES.loopBound(to - from); j < bound; j += SPECIES.length()) {
            FloatVector x = FloatVector.fromArray(SPECIES, a, j).max(-CLAMP).min(CLAMP);
            FloatVector x2 = x.mul(x);
            FloatVector p = P6.fma(x2, P5).fma(x2, P4).fma(x2, P3).fma(x2, P2).fma(x2, P1).fma(x2, P0);
            FloatVector q = Q3.fma(x2, Q2).fma(x2, Q1).fma(x2, Q0);
            x.mul(p).div(q).intoArray(a, j);
        }
        for (; j < to; j++) {
            a[j] = FloatMath.tanh(a[j]);
        }
    }

    /**
     * {@code a[from, to)} replaced by its logistic function, {@code ½ + ½·tanh(x/2)}, as three loops:
     * {@link #halve}, {@link #tanh(float[], int, int)}, {@link #halfPlusHalf}. A kernel that needs both
     * activations calls these parts so that it inlines one tanh loop, not two.
     */
    public static void sigmoid(float[] a, int from, int to) {
        halve(a, from, to);
        tanh(a, from, to);
        halfPlusHalf(a, from, to);
    }

    /** {@code a[from, to) *= ½} (exact). */
    public static void halve(float[] a, int from, int to) {
        int j = from;
        for (int bound = from + SPECIES.loopBound(to - from); j < bound; j += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, a, j).mul(HALF).intoArray(a, j);
        }
        for (; j < to; j++) {
            a[j] *= 0.5f;
        }
    }

    /** {@code a[from, to) = ½·a + ½} (one rounding): the logistic function from the tanh of half its argument. */
    public static void halfPlusHalf(float[] a, int from, int to) {
        int j = from;
        for (int bound = from + SPECIES.loopBound(to - from); j < bound; j += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, a, j).fma(HALF, HALF).intoArray(a, j);
        }
        for (; j < to; j++) {
            a[j] = Math.fma(a[j], 0.5f, 0.5f);
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
            // FloatMath.expNonPositive: (Q + u·P) / (Q − u·P) of u = x/2 clamped, P and Q of u².
            FloatVector u = FloatVector.fromArray(SPECIES, s, j).mul(scale).sub(shift).mul(HALF).max(-CLAMP).min(CLAMP);
            FloatVector u2 = u.mul(u);
            FloatVector up = u.mul(P6.fma(u2, P5).fma(u2, P4).fma(u2, P3).fma(u2, P2).fma(u2, P1).fma(u2, P0));
            FloatVector q = Q3.fma(u2, Q2).fma(u2, Q1).fma(u2, Q0);
            FloatVector e = q.add(up).div(q.sub(up));
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
