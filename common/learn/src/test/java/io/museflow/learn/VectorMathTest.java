package io.museflow.learn;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Vector API forms of FloatMath's functions and the softmax row, against the scalar ones. */
class VectorMathTest {
    @Test
    void theTestJvmRunsTheVectorKernels() {
        // The build passes --add-modules=jdk.incubator.vector to the tests as submit/java17-opens does
        // to trials; without it every other test here would silently check the scalar loops only.
        assertTrue(Simd.ENABLED, "the tests run without the " + Simd.MODULE + " module");
    }

    @Test
    void registerFunctionsMatchTheScalarOnesToFloatRounding() {
        int width = VectorMath.SPECIES.length();
        float[] x = new float[width];
        float[] out = new float[width];
        double worstTanh = 0;
        double worstSigmoid = 0;
        double worstExp = 0;
        for (int i = -400_000; i <= 400_000; i += width) {
            for (int l = 0; l < width; l++) {
                x[l] = (i + l) * 5e-5f;
            }
            FloatVector v = FloatVector.fromArray(VectorMath.SPECIES, x, 0);
            VectorMath.tanh(v).intoArray(out, 0);
            for (int l = 0; l < width; l++) {
                worstTanh = Math.max(worstTanh, Math.abs(out[l] - FloatMath.tanh(x[l])));
            }
            VectorMath.sigmoid(v).intoArray(out, 0);
            for (int l = 0; l < width; l++) {
                worstSigmoid = Math.max(worstSigmoid, Math.abs(out[l] - FloatMath.sigmoid(x[l])));
            }
            VectorMath.expNonPositive(v.neg().min(0f)).intoArray(out, 0);
            for (int l = 0; l < width; l++) {
                float arg = Math.min(-x[l], 0f);
                worstExp = Math.max(worstExp, Math.abs(out[l] - FloatMath.expNonPositive(arg)));
            }
        }
        // Fused multiply-adds round differently from separate ones: a few ulps of values ≤ 1.
        assertTrue(worstTanh < 5e-7, "tanh differs by " + worstTanh);
        assertTrue(worstSigmoid < 5e-7, "sigmoid differs by " + worstSigmoid);
        assertTrue(worstExp < 5e-7, "exp differs by " + worstExp);
    }

    @Test
    void softmaxRowSumsToOneAndMatchesTheDoubleSoftmaxAtEveryLength() {
        Random random = new Random(5);
        for (int n : new int[]{1, 3, VectorMath.SPECIES.length(), 37, 200}) {
            float[] s = new float[n + 7];
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) (random.nextGaussian() * 4);
            }
            float[] before = s.clone();
            float scale = 0.25f;
            VectorMath.softmax(s, 3, n, scale);
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, before[3 + j] * (double) scale);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += Math.exp(before[3 + j] * (double) scale - max);
            }
            double total = 0;
            for (int j = 0; j < n; j++) {
                double exact = Math.exp(before[3 + j] * (double) scale - max) / sum;
                assertEquals(exact, s[3 + j], 1e-6, "n = " + n + ", j = " + j);
                total += s[3 + j];
            }
            assertEquals(1.0, total, 1e-5, "n = " + n);
            for (int j : new int[]{0, 1, 2, n + 3, n + 6}) {
                assertEquals(before[j], s[j], "n = " + n + ": element " + j + " outside the row changed");
            }
        }
    }
}
