package io.museflow.learn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared helpers of the numerical-correctness tests. */
public final class GradientChecks {
    private GradientChecks() {
    }

    /**
     * Central finite differences of {@code loss} with respect to every entry of {@code target}
     * (perturbed in place and restored), against the analytic gradient.
     */
    public static void assertGradient(INDArray analytic, INDArray target, DoubleSupplier loss, double maxRelError,
                                      String what) {
        double h = 1e-6;
        for (long i = 0; i < target.length(); i++) {
            double orig = target.getDouble(i);
            target.putScalar(i, orig + h);
            double up = loss.getAsDouble();
            target.putScalar(i, orig - h);
            double down = loss.getAsDouble();
            target.putScalar(i, orig);
            double numeric = (up - down) / (2 * h);
            double a = analytic.getDouble(i);
            double err = Math.abs(a - numeric) / Math.max(1e-10, Math.abs(a) + Math.abs(numeric));
            assertTrue(err < maxRelError || Math.abs(a - numeric) < 1e-9,
                    what + "[" + i + "]: analytic " + a + ", numeric " + numeric);
        }
    }

    /** Runs with double as ND4J's global default (GradientCheckUtil insists), restoring it after. */
    public static void inDoublePrecision(Runnable check) {
        DataType before = Nd4j.dataType();
        DataType beforeFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            check.run();
        } finally {
            Nd4j.setDefaultDataTypes(before, beforeFloat);
        }
    }
}
