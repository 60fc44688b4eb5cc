package io.museflow.learn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The default build's ND4J CPU backend loads and computes (the natives come from the linux-x86_64 jars). */
class Nd4jBackendTest {
    @Test
    void cpuBackendMultipliesMatrices() {
        INDArray a = Nd4j.create(new double[][]{{1, 2}, {3, 4}}).castTo(DataType.DOUBLE);
        INDArray b = Nd4j.create(new double[][]{{5, 6}, {7, 8}}).castTo(DataType.DOUBLE);
        assertEquals(Nd4j.create(new double[][]{{19, 22}, {43, 50}}).castTo(DataType.DOUBLE), a.mmul(b));
        assertEquals("CpuBackend", Nd4j.getBackend().getClass().getSimpleName());
    }
}
