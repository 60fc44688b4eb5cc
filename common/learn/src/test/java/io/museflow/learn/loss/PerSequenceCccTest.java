package io.museflow.learn.loss;

import io.museflow.learn.GradientChecks;
import io.museflow.learn.model.LossKind;
import io.museflow.learn.model.NetworkOptions;
import io.museflow.learn.model.SunModel;
import io.museflow.learn.model.SunSpec;
import io.museflow.metrics.PairMoments;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The CCC computed per sequence and averaged over the minibatch (Sun et al.'s public code). */
class PerSequenceCccTest {
    private static final ActivationIdentity IDENTITY = new ActivationIdentity();

    private static CccLoss perSequence(int sequences) {
        CccLoss loss = new CccLoss(CccReduction.SEQUENCE);
        loss.sequencesInBatch(sequences);
        return loss;
    }

    private static INDArray column(double... v) {
        return Nd4j.create(v, new long[]{v.length, 1}, DataType.DOUBLE);
    }

    @Test
    void twoInterleavedSequencesAgainstHandComputedCccs() {
        // Rows alternate between the sequences (DL4J's order: row r is sequence r mod 2, step r div 2).
        // Sequence 0: p = 2, 4, 6 vs y = 1, 2, 3: CCC 4/11. Sequence 1: p = 1, 2, 3 vs y = 3, 2, 1: CCC -1.
        INDArray p = column(2, 1, 4, 2, 6, 3);
        INDArray y = column(1, 3, 2, 2, 3, 1);
        assertEquals(1 - (4.0 / 11 - 1) / 2, perSequence(2).computeScore(y, p, IDENTITY, null, false), 1e-12);
        double batch = new CccLoss().computeScore(y, p, IDENTITY, null, false);
        assertNotEquals(batch, perSequence(2).computeScore(y, p, IDENTITY, null, false), 1e-3,
                "the reductions differ on this minibatch");
        assertEquals(batch, perSequence(1).computeScore(y, p, IDENTITY, null, false), 1e-12,
                "one sequence: both reductions agree");
    }

    @Test
    void gradientsMatchFiniteDifferencesWithMaskedFramesAndTwoTargets() {
        int sequences = 3;
        int steps = 6;
        INDArray pre = Nd4j.rand(DataType.DOUBLE, sequences * steps, 2).subi(0.5);
        INDArray y = Nd4j.rand(DataType.DOUBLE, sequences * steps, 2).subi(0.5);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, sequences * steps, 1);
        for (int t = 4; t < steps; t++) {
            mask.putScalar(t * sequences + 1, 0, 0.0); // sequence 1 is 4 frames long
        }
        y.putScalar(2 * sequences + 2, 1, Double.NaN); // one missing annotation
        CccLoss loss = perSequence(sequences);
        GradientChecks.assertGradient(loss.computeGradient(y, pre, IDENTITY, mask), pre,
                () -> loss.computeScore(y, pre, IDENTITY, mask, false), 1e-5, "per-sequence ccc");
        assertEquals(0.0, loss.computeGradient(y, pre, IDENTITY, mask).getDouble(5 * sequences + 1, 0),
                "a padded frame gets no gradient");
    }

    @Test
    void bothIsTheMeanOfThePerSequenceAndTheBatchLossAndItsGradientChecks() {
        // The minibatch of the first test: per-sequence loss 1 − (4/11 − 1)/2. One CCC over all six
        // frames: deviations of p (mean 3) −1, −2, 1, −1, 3, 0 and of y (mean 2) −1, 1, 0, 0, 1, −1,
        // so Σab = 2, Σa² = 16, Σb² = 4 and CCC = (2·2/6) / (16/6 + 4/6 + (3 − 2)²) = 2/13.
        INDArray p = column(2, 1, 4, 2, 6, 3);
        INDArray y = column(1, 3, 2, 2, 3, 1);
        double expected = 0.5 * (1 - (4.0 / 11 - 1) / 2) + 0.5 * (1 - 2.0 / 13);
        CccLoss both = new CccLoss(CccReduction.BOTH);
        both.sequencesInBatch(2);
        assertEquals(expected, both.computeScore(y, p, IDENTITY, null, false), 1e-12);

        int sequences = 3;
        int steps = 5;
        INDArray pre = Nd4j.rand(DataType.DOUBLE, sequences * steps, 2).subi(0.5);
        INDArray labels = Nd4j.rand(DataType.DOUBLE, sequences * steps, 2).subi(0.5);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, sequences * steps, 1);
        mask.putScalar(4 * sequences + 2, 0, 0.0); // sequence 2 is 4 frames long
        CccLoss loss = new CccLoss(CccReduction.BOTH);
        loss.sequencesInBatch(sequences);
        GradientChecks.assertGradient(loss.computeGradient(labels, pre, IDENTITY, mask), pre,
                () -> loss.computeScore(labels, pre, IDENTITY, mask, false), 1e-5, "ccc per sequence and batch");
        assertEquals(0.0, loss.computeGradient(labels, pre, IDENTITY, mask).getDouble(4 * sequences + 2, 1),
                "a padded frame gets no gradient");
    }

    @Test
    void withoutTheSequenceCountItRefusesRatherThanGuesses() {
        CccLoss loss = new CccLoss(CccReduction.SEQUENCE);
        assertThrows(IllegalStateException.class,
                () -> loss.computeScore(column(1, 2, 3), column(1, 2, 2), IDENTITY, null, false));
    }

    /**
     * Inside a network the output layer tells the loss the sequence count, and DL4J's row order is
     * the one the loss assumes: the network's score equals 1 − the mean of CCCs computed by hand
     * per sequence from its own outputs (a wrong grouping mixes sequences and gives another number).
     */
    @Test
    void inANetworkTheScoreIsTheMeanOfPerSequenceCccs() {
        NetworkOptions options = new NetworkOptions(CccReduction.SEQUENCE, 0, true,
                io.museflow.learn.layers.InitScheme.XAVIER);
        MultiLayerNetwork net = SunModel.build(new SunSpec(3, 1, 4, 2, 0, 1, 3, 0.0, LossKind.CCC, options), 3,
                new NoOp(), DataType.DOUBLE);
        Nd4j.getRandom().setSeed(2);
        int mb = 4;
        int steps = 9;
        INDArray x = Nd4j.rand(DataType.DOUBLE, mb, 3, steps).subi(0.5);
        INDArray y = Nd4j.rand(DataType.DOUBLE, mb, 1, steps).subi(0.5);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, mb, steps);
        for (int t = 6; t < steps; t++) {
            mask.putScalar(2, t, 0.0);
        }
        INDArray out = net.output(x, false, mask, mask);
        double sum = 0;
        for (int b = 0; b < mb; b++) {
            PairMoments m = new PairMoments();
            for (int t = 0; t < steps; t++) {
                if (mask.getDouble(b, t) != 0) {
                    m.add(out.getDouble(b, 0, t), y.getDouble(b, 0, t));
                }
            }
            sum += m.ccc();
        }
        net.setLayerMaskArrays(mask, mask);
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        assertEquals(1 - sum / mb, net.score(), 1e-10);
    }
}
