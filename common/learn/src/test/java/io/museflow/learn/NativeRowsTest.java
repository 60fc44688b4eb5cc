package io.museflow.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link NativeRows#mmul}: the BLAS route agrees with ND4J's product on every layout it accepts. */
class NativeRowsTest {

    private static INDArray random(DataType type, char order, long rows, long cols, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(type, rows, cols).dup(order);
    }

    @Test
    void productsAgreeWithNd4jForEveryOrderAndTranspose() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            double tolerance = type == DataType.FLOAT ? 1e-4 : 1e-12;
            for (char orderA : new char[]{'c', 'f'}) {
                for (char orderB : new char[]{'c', 'f'}) {
                    for (boolean transA : new boolean[]{false, true}) {
                        for (boolean transB : new boolean[]{false, true}) {
                            INDArray a = transA ? random(type, orderA, 5, 7, 1) : random(type, orderA, 7, 5, 1);
                            INDArray b = transB ? random(type, orderB, 3, 5, 2) : random(type, orderB, 5, 3, 2);
                            INDArray expected = (transA ? a.transpose() : a).mmul(transB ? b.transpose() : b);
                            INDArray actual = NativeRows.mmul(a, transA, b, transB);
                            String what = type + " " + orderA + (transA ? "ᵀ" : "") + " · " + orderB + (transB ? "ᵀ" : "");
                            assertEquals('c', actual.ordering(), what);
                            assertTrue(expected.equalsWithEps(actual, tolerance), what + ": " + actual + " vs " + expected);
                        }
                    }
                }
            }
        }
    }

    @Test
    void betaAccumulatesIntoTheOutput() {
        INDArray a = random(DataType.DOUBLE, 'c', 6, 4, 3);
        INDArray b = random(DataType.DOUBLE, 'c', 4, 2, 4);
        INDArray out = random(DataType.DOUBLE, 'c', 6, 2, 5);
        INDArray expected = out.add(a.mmul(b));
        NativeRows.mmul(a, false, b, false, 1.0, out);
        assertTrue(expected.equalsWithEps(out, 1e-12));
    }

    @Test
    void transposedViewsAndStridedViewsAreRead() {
        INDArray big = random(DataType.DOUBLE, 'c', 8, 6, 6);
        INDArray strided = big.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 4)); // gaps between rows
        INDArray w = random(DataType.DOUBLE, 'c', 3, 3, 7);
        assertTrue(strided.mmul(w).equalsWithEps(NativeRows.mmul(strided, false, w, false), 1e-12));
        assertTrue(w.transpose().mmul(w).equalsWithEps(NativeRows.mmul(w.transpose(), false, w, false), 1e-12));
        INDArray rowVector = big.getRow(2).reshape(1, 6);
        INDArray six = random(DataType.DOUBLE, 'c', 6, 2, 8);
        assertTrue(rowVector.mmul(six).equalsWithEps(NativeRows.mmul(rowVector, false, six, false), 1e-12));
    }

    @Test
    void mismatchedShapesAndTypesAreRefusedWithTheShapes() {
        INDArray a = Nd4j.zeros(DataType.FLOAT, 4, 3);
        INDArray b = Nd4j.zeros(DataType.FLOAT, 4, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeRows.mmul(a, false, b, false));
        assertTrue(e.getMessage().contains("[4, 3] · [4, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NativeRows.mmul(a, false, Nd4j.zeros(DataType.DOUBLE, 3, 2), false));
    }

    @Test
    void columnSumsAgreeWithDoubleSumsForEveryLayoutAndNoRows() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            // 3,001 rows: long enough for float accumulation to show if it were sloppy; an f-order
            // copy and a strided column slice take the contiguous-copy route.
            INDArray c = random(type, 'c', 3001, 7, 11).subi(0.5);
            for (INDArray a : new INDArray[]{c, c.dup('f'), c.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 6))}) {
                INDArray sums = NativeRows.columnSums(a);
                assertEquals(type, sums.dataType());
                assertEquals(1, sums.size(0));
                assertEquals(a.size(1), sums.size(1));
                for (int j = 0; j < a.size(1); j++) {
                    double exact = 0;
                    for (int r = 0; r < a.size(0); r++) {
                        exact += a.getDouble(r, j);
                    }
                    assertEquals(exact, sums.getDouble(0, j), type == DataType.FLOAT ? 2e-3 : 1e-10,
                            type + " " + a.ordering() + " column " + j);
                }
            }
            INDArray none = NativeRows.columnSums(Nd4j.create(type, 0, 4));
            assertEquals(4, none.size(1));
            assertEquals(0.0, none.sumNumber().doubleValue(), "no rows: zero sums");
        }
    }
}
