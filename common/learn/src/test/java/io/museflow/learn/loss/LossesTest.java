package io.museflow.learn.loss;

import io.museflow.learn.GradientChecks;
import io.museflow.metrics.PairMoments;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossesTest {
    private static final IActivation IDENTITY = new ActivationIdentity();

    private static INDArray column(double... v) {
        return Nd4j.create(v, new long[]{v.length, 1}, DataType.DOUBLE);
    }

    private static INDArray random(Random rng, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return Nd4j.create(v, new long[]{rows, cols}, DataType.DOUBLE);
    }

    @Test
    void cccLossIsOneMinusHandComputedCcc() {
        double loss = new CccLoss().computeScore(column(2, 4, 6), column(1, 2, 3), IDENTITY, null, false);
        assertEquals(1 - 4.0 / 11, loss, 1e-12);
    }

    @Test
    void cccLossAgreesWithTheEvaluationMetricAndAveragesTargets() {
        Random rng = new Random(1);
        INDArray p = random(rng, 50, 2);
        INDArray y = p.mul(0.7).addi(random(rng, 50, 2).muli(0.5)).addi(0.2);
        double expected = 0;
        for (int j = 0; j < 2; j++) {
            PairMoments m = new PairMoments();
            for (int i = 0; i < 50; i++) {
                m.add(p.getDouble(i, j), y.getDouble(i, j));
            }
            expected += (1 - m.ccc()) / 2;
        }
        assertEquals(expected, new CccLoss().computeScore(y, p, IDENTITY, null, false), 1e-12);
    }

    @Test
    void msesAndL1AreMeansOverUnmaskedEntries() {
        INDArray y = column(1, 2, 3, 100);
        INDArray p = column(2, 2, 5, -100);
        INDArray mask = column(1, 1, 1, 0);
        assertEquals((1 + 0 + 4) / 3.0, new MaskedMse().computeScore(y, p, IDENTITY, mask, false), 1e-12);
        assertEquals((1 + 0 + 2) / 3.0, new MaskedL1().computeScore(y, p, IDENTITY, mask, false), 1e-12);
    }

    private static void checkGradient(MaskedFrameLoss loss, IActivation act, INDArray y, INDArray pre, INDArray mask) {
        GradientChecks.assertGradient(loss.computeGradient(y, pre, act, mask), pre,
                () -> loss.computeScore(y, pre, act, mask, false), 1e-5, loss.name() + " " + act);
    }

    @Test
    void gradientsMatchFiniteDifferencesWithPaddedMasks() {
        Random rng = new Random(7);
        int rows = 17;
        INDArray rowMask = Nd4j.ones(DataType.DOUBLE, rows, 1);
        for (int i : new int[]{3, 4, 11, 16}) {
            rowMask.putScalar(i, 0, 0.0);
        }
        INDArray labelMask = Nd4j.ones(DataType.DOUBLE, rows, 2);
        labelMask.putScalar(2, 1, 0.0);
        labelMask.putScalar(9, 0, 0.0);
        for (MaskedFrameLoss loss : List.of(new CccLoss(), new MaskedMse(), new MaskedL1())) {
            for (IActivation act : List.of(IDENTITY, new ActivationTanH())) {
                for (INDArray mask : new INDArray[]{null, rowMask, labelMask}) {
                    INDArray y = random(rng, rows, 2).muli(0.5);
                    INDArray pre = random(rng, rows, 2);
                    checkGradient(loss, act, y, pre, mask);
                }
            }
        }
    }

    /** Padded frames (mask 0, arbitrary values, NaN labels) change neither the loss nor real frames' gradients. */
    @Test
    void paddingDoesNotLeak() {
        Random rng = new Random(3);
        INDArray y = random(rng, 10, 2);
        INDArray p = random(rng, 10, 2);
        INDArray yPadded = Nd4j.vstack(y, random(rng, 6, 2).muli(50));
        yPadded.putScalar(12, 1, Double.NaN);
        INDArray pPadded = Nd4j.vstack(p, random(rng, 6, 2).muli(50));
        INDArray mask = Nd4j.vstack(Nd4j.ones(DataType.DOUBLE, 10, 1), Nd4j.zeros(DataType.DOUBLE, 6, 1));
        for (MaskedFrameLoss loss : List.of(new CccLoss(), new MaskedMse(), new MaskedL1())) {
            assertEquals(loss.computeScore(y, p, IDENTITY, null, false),
                    loss.computeScore(yPadded, pPadded, IDENTITY, mask, false), 1e-12, loss.name());
            INDArray g = loss.computeGradient(y, p, IDENTITY, null);
            INDArray gPadded = loss.computeGradient(yPadded, pPadded, IDENTITY, mask);
            assertEquals(0.0, g.sub(gPadded.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 10),
                    org.nd4j.linalg.indexing.NDArrayIndex.all())).amaxNumber().doubleValue(), 1e-15, loss.name());
            assertEquals(0.0, gPadded.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(10, 16),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).amaxNumber().doubleValue(), loss.name());
        }
    }

    @Test
    void nanLabelsAreMaskedLikePadding() {
        INDArray y = column(2, 4, Double.NaN, 6);
        INDArray p = column(1, 2, 9, 3);
        assertEquals(1 - 4.0 / 11, new CccLoss().computeScore(y, p, IDENTITY, null, false), 1e-12);
        assertEquals(0.0, new CccLoss().computeGradient(y, p, IDENTITY, null).getDouble(2));
    }

    @Test
    void constantInputsStayFinite() {
        CccLoss ccc = new CccLoss();
        assertEquals(0.0, ccc.computeScore(column(0.3, 0.3), column(0.3, 0.3), IDENTITY, null, false));
        assertEquals(0.0, ccc.computeGradient(column(0.3, 0.3), column(0.3, 0.3), IDENTITY, null).amaxNumber().doubleValue());
        double constPred = ccc.computeScore(column(0, 1, 2), column(0.5, 0.5, 0.5), IDENTITY, null, false);
        assertEquals(1.0, constPred, 1e-12);
        INDArray g = ccc.computeGradient(column(0, 1, 2), column(0.5, 0.5, 0.5), IDENTITY, null);
        assertFalse(g.isNaN().any() || g.isInfinite().any());
        assertEquals(0.0, ccc.computeScore(column(1, 2), column(1, 2), IDENTITY, Nd4j.zeros(DataType.DOUBLE, 2, 1), false),
                "nothing unmasked: no loss");
    }
}
