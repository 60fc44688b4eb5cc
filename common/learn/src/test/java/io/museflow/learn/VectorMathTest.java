package io.museflow.learn;

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
    void arrayFunctionsMatchTheScalarOnesToFloatRounding() {
        // [-20, 20] in steps of 5e-5, from an unaligned offset and with a length no register width
        // divides: the vector loop, its scalar tail and the untouched ends all run.
        int n = 800_001;
        int from = 3;
        float[] x = new float[n + from + 2];
        for (int i = 0; i < n; i++) {
            x[from + i] = (i - 400_000) * 5e-5f;
        }
        float[] tanh = x.clone();
        VectorMath.tanh(tanh, from, from + n);
        float[] sigmoid = x.clone();
        VectorMath.sigmoid(sigmoid, from, from + n);
        double worstTanh = 0;
        double worstSigmoid = 0;
        for (int i = from; i < from + n; i++) {
            worstTanh = Math.max(worstTanh, Math.abs(tanh[i] - FloatMath.tanh(x[i])));
            worstSigmoid = Math.max(worstSigmoid, Math.abs(sigmoid[i] - FloatMath.sigmoid(x[i])));
        }
        // Fused multiply-adds round differently from separate ones: a few ulps of values ≤ 1.
        assertTrue(worstTanh < 5e-7, "tanh differs by " + worstTanh);
        assertTrue(worstSigmoid < 5e-7, "sigmoid differs by " + worstSigmoid);
        for (int i : new int[]{0, 1, 2, from + n, from + n + 1}) {
            assertEquals(x[i], tanh[i], "tanh changed element " + i + " outside its range");
            assertEquals(x[i], sigmoid[i], "sigmoid changed element " + i + " outside its range");
        }
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
