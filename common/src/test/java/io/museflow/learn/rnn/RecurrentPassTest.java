package io.museflow.learn.rnn;

import io.museflow.learn.GradientChecks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecurrentPassTest {
    static final int T = 6;
    static final int MB = 4;
    static final int NIN = 4;
    static final int H = 3;
    /** Three padded tails, and one sequence with an interior gap (frames 2 and 3 masked). */
    static final int[] LENGTHS = {6, 4, 1, -1};

    static INDArray random(Random rng, double scale, long... shape) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, scale * rng.nextGaussian());
        }
        return a;
    }

    static INDArray mask(int[] lengths) {
        INDArray m = Nd4j.zeros(DataType.DOUBLE, T, lengths.length, 1);
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < T; t++) {
                boolean real = lengths[b] < 0 ? t < 2 || t > 3 : t < lengths[b];
                m.putScalar(new long[]{t, b, 0}, real ? 1.0 : 0.0);
            }
        }
        return m;
    }

    static RnnParams params(Random rng, CellType cell) {
        int g = cell.gates() * H;
        return new RnnParams(random(rng, 0.5, NIN, g), random(rng, 0.5, H, g), random(rng, 0.3, 1, g),
                cell == CellType.GRU ? random(rng, 0.3, 1, g) : null);
    }

    /** Loss = Σ out ⊙ R, so dLoss/dOut = R. */
    static double loss(RecurrentPass pass, INDArray x, INDArray m, RnnParams p, INDArray r) {
        return pass.forward(x, m, p).output().mul(r).sumNumber().doubleValue();
    }

    /** Each cell with the per-step product in plain loops (blasMinBatch above MB) and in BLAS (1). */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> passes() {
        return java.util.stream.Stream.of(CellType.values()).flatMap(c -> java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(c, MB + 1),
                org.junit.jupiter.params.provider.Arguments.of(c, 1)));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("passes")
    void gradientsMatchFiniteDifferencesWithRaggedLengths(CellType cell, int blasMinBatch) {
        Random rng = new Random(11);
        RecurrentPass pass = new RecurrentPass(cell, H, blasMinBatch);
        RnnParams p = params(rng, cell);
        INDArray x = random(rng, 1.0, T, MB, NIN);
        INDArray m = mask(LENGTHS);
        INDArray r = random(rng, 1.0, T, MB, H);
        RecurrentPass.Gradients g = pass.backward(pass.forward(x, m, p), r, p);
        Map<String, INDArray[]> checks = new LinkedHashMap<>();
        checks.put("x", new INDArray[]{g.dx(), x});
        checks.put("W", new INDArray[]{g.dw(), p.w()});
        checks.put("RW", new INDArray[]{g.drw(), p.rw()});
        checks.put("b", new INDArray[]{g.db(), p.b()});
        if (cell == CellType.GRU) {
            checks.put("rb", new INDArray[]{g.drb(), p.rb()});
        }
        checks.forEach((name, pair) -> GradientChecks.assertGradient(pair[0], pair[1], () -> loss(pass, x, m, p, r), 1e-6,
                cell + "/" + blasMinBatch + " d" + name));
    }

    /** Padded steps (any values) leave real outputs and real gradients unchanged; padded outputs are 0. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("passes")
    void paddingDoesNotLeak(CellType cell, int blasMinBatch) {
        Random rng = new Random(5);
        RecurrentPass pass = new RecurrentPass(cell, H, blasMinBatch);
        RnnParams p = params(rng, cell);
        INDArray m = mask(LENGTHS);
        INDArray x = random(rng, 1.0, T, MB, NIN).muli(m);
        INDArray xNoisy = x.add(random(rng, 100.0, T, MB, NIN).muli(m.rsub(1.0)));
        INDArray r = random(rng, 1.0, T, MB, H).muli(m);
        INDArray rNoisy = r.add(random(rng, 100.0, T, MB, H).muli(m.rsub(1.0)));
        RecurrentPass.Cache clean = pass.forward(x, m, p);
        RecurrentPass.Cache noisy = pass.forward(xNoisy, m, p);
        assertEquals(0.0, clean.output().sub(noisy.output()).amaxNumber().doubleValue(), 0.0);
        assertEquals(0.0, noisy.output().mul(m.rsub(1.0)).amaxNumber().doubleValue(), 0.0);
        RecurrentPass.Gradients a = pass.backward(clean, r, p);
        RecurrentPass.Gradients b = pass.backward(noisy, rNoisy, p);
        assertEquals(0.0, a.dw().sub(b.dw()).amaxNumber().doubleValue(), 1e-12);
        assertEquals(0.0, a.drw().sub(b.drw()).amaxNumber().doubleValue(), 1e-12);
        assertEquals(0.0, a.dx().mul(m).sub(b.dx().mul(m)).amaxNumber().doubleValue(), 1e-12);
        // A sequence's result does not depend on what else is in the minibatch.
        RecurrentPass.Cache alone = pass.forward(x.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 2), NDArrayIndex.all()).dup(),
                m.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 2), NDArrayIndex.all()).dup(), p);
        assertEquals(0.0, alone.output().sub(clean.output().get(NDArrayIndex.all(), NDArrayIndex.interval(1, 2),
                NDArrayIndex.all())).amaxNumber().doubleValue(), 1e-12);
    }
}
