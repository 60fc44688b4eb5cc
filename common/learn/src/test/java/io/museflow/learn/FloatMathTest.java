package io.museflow.learn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The float approximations the vectorized loops use, against the JDK's double functions. */
class FloatMathTest {
    @Test
    void tanhAndSigmoidAreWithinFloatPrecisionEverywhere() {
        double worstTanh = 0;
        double worstSigmoid = 0;
        for (int i = -400_000; i <= 400_000; i++) {
            float x = i * 5e-5f;
            worstTanh = Math.max(worstTanh, Math.abs(FloatMath.tanh(x) - Math.tanh(x)));
            worstSigmoid = Math.max(worstSigmoid, Math.abs(FloatMath.sigmoid(x) - 1 / (1 + Math.exp(-x))));
        }
        assertTrue(worstTanh < 5e-7, "tanh off by " + worstTanh);
        assertTrue(worstSigmoid < 5e-7, "sigmoid off by " + worstSigmoid);
        assertEquals(1f, FloatMath.tanh(50f));
        assertEquals(-1f, FloatMath.tanh(-50f));
    }

    @Test
    void expOfNonPositiveArgumentsIsWithinFloatPrecisionOfTheTrueValue() {
        double worstRelative = 0;
        double worstAbsolute = 0;
        double worstTwoDivisions = 0;
        for (int i = 0; i <= 600_000; i++) {
            float x = -i * 5e-5f; // [-30, 0]
            double exact = Math.exp(x);
            double error = Math.abs(FloatMath.expNonPositive(x) - exact);
            worstAbsolute = Math.max(worstAbsolute, error);
            if (x > -2) {
                worstRelative = Math.max(worstRelative, error / exact);
            }
            // The same approximation written as (1 + t) / (1 − t): the one-division form loses nothing.
            float t = FloatMath.tanh(0.5f * x);
            worstTwoDivisions = Math.max(worstTwoDivisions, Math.abs((1 + t) / (1 - t) - exact));
        }
        assertTrue(worstRelative < 1e-6, "relative error near 0: " + worstRelative);
        assertTrue(worstAbsolute < 2e-7, "absolute error " + worstAbsolute);
        assertTrue(worstAbsolute <= 1.5 * worstTwoDivisions, worstAbsolute + " against " + worstTwoDivisions);
        assertEquals(1f, FloatMath.expNonPositive(0f), 1e-7f);
        assertEquals(0f, FloatMath.expNonPositive(-100f));
    }
}
