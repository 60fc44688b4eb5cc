package io.museflow.learn.rnn;

import io.museflow.learn.GradientChecks;
import io.museflow.learn.HostRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecurrentPassTest {
    static final int T = 6;
    static final int MB = 4;
    static final int NIN = 4;
    static final int H = 3;
    /** Padded tails; the forward direction also gets one sequence with an interior gap (frames 2 and 3 masked). */
    static final int[] LENGTHS = {6, 4, 1, -1};
    static final int[] TAIL_LENGTHS = {6, 4, 1, 3};

    static INDArray random(Random rng, double scale, long... shape) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, scale * rng.nextGaussian());
        }
        return a;
    }

    static double[] randomRows(Random rng, double scale, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = scale * rng.nextGaussian();
        }
        return a;
    }

    /** [MB·T] with row b·T + t. */
    static double[] mask(int[] lengths) {
        double[] m = new double[lengths.length * T];
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < T; t++) {
                boolean real = lengths[b] < 0 ? t < 2 || t > 3 : t < lengths[b];
                m[b * T + t] = real ? 1.0 : 0.0;
            }
        }
        return m;
    }

    static RnnParams params(Random rng, CellType cell) {
        int g = cell.gates() * H;
        return new RnnParams(random(rng, 0.5, NIN, g), random(rng, 0.5, H, g), random(rng, 0.3, 1, g),
                cell == CellType.GRU ? random(rng, 0.3, 1, g) : null);
    }

    /** Values as rows in double precision. */
    static HostRows rows(double[] values) {
        HostRows r = new HostRows(DataType.DOUBLE).ensure(values.length);
        System.arraycopy(values, 0, r.doubles(), 0, values.length);
        return r;
    }

    /** The first {@code n} values of rows. */
    static double[] values(HostRows r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.get(i);
        }
        return v;
    }

    /** Where frame t of sequence b sits in the pass's rows. */
    static int row(int b, int t) {
        return t * MB + b;
    }

    static double[] output(RecurrentPass.Cache k) {
        return values(k.output(), MB * T * H);
    }

    /** The weight gradients, and the input gradient into {@code dx}. */
    static RecurrentPass.Gradients backward(RecurrentPass pass, RecurrentPass.Cache k, double[] dOut, RnnParams p,
                                            INDArray dx, boolean accumulate) {
        RecurrentPass.Gradients g = pass.backward(k, rows(dOut), p);
        pass.inputGradient(k, p, dx, accumulate);
        return g;
    }

    /** Loss = Σ out ⊙ R, so dLoss/dOut = R. */
    static double loss(RecurrentPass pass, INDArray x, double[] m, boolean reverse, RnnParams p, double[] r) {
        double[] out = output(pass.forward(x, m, reverse, p, false, new RecurrentPass.Cache()));
        double sum = 0;
        for (int i = 0; i < r.length; i++) {
            sum += out[i] * r[i];
        }
        return sum;
    }

    /** Each cell, both directions, with the per-step product in plain loops (blasMinBatch above MB) and in BLAS (1). */
    static Stream<Arguments> passes() {
        return Stream.of(CellType.values()).flatMap(c -> Stream.of(false, true).flatMap(rev -> Stream.of(
                Arguments.of(c, MB + 1, rev), Arguments.of(c, 1, rev))));
    }

    @ParameterizedTest
    @MethodSource("passes")
    void gradientsMatchFiniteDifferencesWithRaggedLengths(CellType cell, int blasMinBatch, boolean reverse) {
        Random rng = new Random(11);
        RecurrentPass pass = new RecurrentPass(cell, H, blasMinBatch);
        RnnParams p = params(rng, cell);
        INDArray x = random(rng, 1.0, MB, NIN, T);
        double[] m = mask(reverse ? TAIL_LENGTHS : LENGTHS);
        double[] r = randomRows(rng, 1.0, MB * T * H);
        INDArray dx = Nd4j.create(DataType.DOUBLE, MB, NIN, T);
        RecurrentPass.Gradients g = backward(pass, pass.forward(x, m, reverse, p, true, new RecurrentPass.Cache()), r, p,
                dx, false);
        Map<String, INDArray[]> checks = new LinkedHashMap<>();
        checks.put("x", new INDArray[]{dx, x});
        checks.put("W", new INDArray[]{g.dw(), p.w()});
        checks.put("RW", new INDArray[]{g.drw(), p.rw()});
        checks.put("b", new INDArray[]{g.db(), p.b()});
        if (cell == CellType.GRU) {
            checks.put("rb", new INDArray[]{g.drb(), p.rb()});
        }
        checks.forEach((name, pair) -> GradientChecks.assertGradient(pair[0], pair[1],
                () -> loss(pass, x, m, reverse, p, r), 1e-6, cell + "/" + blasMinBatch + "/reverse=" + reverse + " d" + name));
    }

    /** The second direction adds its input gradient to what the first wrote. */
    @Test
    void accumulateAddsTheInputGradient() {
        Random rng = new Random(3);
        RecurrentPass pass = new RecurrentPass(CellType.GRU, H, 1);
        RnnParams p = params(rng, CellType.GRU);
        INDArray x = random(rng, 1.0, MB, NIN, T);
        double[] m = mask(TAIL_LENGTHS);
        double[] r = randomRows(rng, 1.0, MB * T * H);
        INDArray assigned = Nd4j.create(DataType.DOUBLE, MB, NIN, T).assign(Double.NaN);
        backward(pass, pass.forward(x, m, true, p, true, new RecurrentPass.Cache()), r, p, assigned, false);
        INDArray added = random(rng, 1.0, MB, NIN, T);
        INDArray before = added.dup();
        backward(pass, pass.forward(x, m, true, p, true, new RecurrentPass.Cache()), r, p, added, true);
        assertEquals(0.0, added.sub(before).sub(assigned).amaxNumber().doubleValue(), 1e-12);
    }

    /** Walking a sequence backwards = walking the time-reversed sequence forwards, output reversed back. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(CellType.class)
    void reverseIsTheForwardPassOfTheReversedSequence(CellType cell) {
        Random rng = new Random(8);
        RecurrentPass pass = new RecurrentPass(cell, H, 1);
        RnnParams p = params(rng, cell);
        INDArray x = random(rng, 1.0, MB, NIN, T);
        double[] m = mask(TAIL_LENGTHS);
        INDArray flipped = x.dup();
        for (int b = 0; b < MB; b++) {
            int len = TAIL_LENGTHS[b];
            for (int t = 0; t < len; t++) {
                for (int i = 0; i < NIN; i++) {
                    flipped.putScalar(new long[]{b, i, t}, x.getDouble(b, i, len - 1 - t));
                }
            }
        }
        double[] rev = output(pass.forward(x, m, true, p, false, new RecurrentPass.Cache()));
        double[] fwd = output(pass.forward(flipped, m, false, p, false, new RecurrentPass.Cache()));
        for (int b = 0; b < MB; b++) {
            int len = TAIL_LENGTHS[b];
            for (int t = 0; t < T; t++) {
                int back = t < len ? len - 1 - t : t;
                for (int j = 0; j < H; j++) {
                    assertEquals(fwd[row(b, back) * H + j], rev[row(b, t) * H + j], 1e-12, "b" + b + " t" + t);
                }
            }
        }
    }

    /**
     * Padded steps (any values) leave real outputs and real gradients unchanged; padded outputs are
     * 0; buffers reused from a larger minibatch with other values change nothing.
     */
    @ParameterizedTest
    @MethodSource("passes")
    void paddingDoesNotLeak(CellType cell, int blasMinBatch, boolean reverse) {
        Random rng = new Random(5);
        RecurrentPass pass = new RecurrentPass(cell, H, blasMinBatch);
        RnnParams p = params(rng, cell);
        double[] m = mask(reverse ? TAIL_LENGTHS : LENGTHS);
        INDArray maskArr = Nd4j.create(m, new long[]{MB, 1, T}, DataType.DOUBLE);
        INDArray x = random(rng, 1.0, MB, NIN, T).muli(maskArr);
        INDArray xNoisy = x.add(random(rng, 100.0, MB, NIN, T).muli(maskArr.rsub(1.0)));
        double[] r = randomRows(rng, 1.0, MB * T * H);
        double[] rNoisy = r.clone();
        for (int b = 0; b < MB; b++) {
            for (int t = 0; t < T; t++) {
                for (int j = 0; j < H; j++) {
                    if (m[b * T + t] == 0) {
                        r[row(b, t) * H + j] = 0;
                        rNoisy[row(b, t) * H + j] = 100 * rng.nextGaussian();
                    }
                }
            }
        }
        RecurrentPass.Cache clean = new RecurrentPass.Cache();
        double[] cleanOut = output(pass.forward(x, m, reverse, p, true, clean));
        INDArray dxClean = Nd4j.create(DataType.DOUBLE, MB, NIN, T);
        RecurrentPass.Gradients a = backward(pass, clean, r, p, dxClean, false);
        // The noisy run reuses buffers last filled by a different, unmasked minibatch.
        RecurrentPass.Cache reused = new RecurrentPass.Cache();
        double[] ones = new double[MB * T];
        java.util.Arrays.fill(ones, 1.0);
        backward(pass, pass.forward(random(rng, 3.0, MB, NIN, T), ones, reverse, p, true, reused),
                randomRows(rng, 3.0, MB * T * H), p, Nd4j.create(DataType.DOUBLE, MB, NIN, T), false);
        double[] noisyOut = output(pass.forward(xNoisy, m, reverse, p, true, reused));
        assertArrayEquals(cleanOut, noisyOut, 0.0);
        for (int b = 0; b < MB; b++) {
            for (int t = 0; t < T; t++) {
                if (m[b * T + t] == 0) {
                    for (int j = 0; j < H; j++) {
                        assertEquals(0.0, noisyOut[row(b, t) * H + j], 0.0);
                    }
                }
            }
        }
        INDArray dxNoisy = Nd4j.create(DataType.DOUBLE, MB, NIN, T);
        RecurrentPass.Gradients b = backward(pass, reused, rNoisy, p, dxNoisy, false);
        assertEquals(0.0, a.dw().sub(b.dw()).amaxNumber().doubleValue(), 1e-12);
        assertEquals(0.0, a.drw().sub(b.drw()).amaxNumber().doubleValue(), 1e-12);
        assertEquals(0.0, a.db().sub(b.db()).amaxNumber().doubleValue(), 1e-12);
        assertEquals(0.0, dxClean.mul(maskArr).sub(dxNoisy.mul(maskArr)).amaxNumber().doubleValue(), 1e-12);
        // A sequence's result does not depend on what else is in the minibatch.
        // A sequence alone (mb = 1: its rows are its frames) gives what it gives inside the batch.
        double[] alone = values(pass.forward(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2)).dup(),
                java.util.Arrays.copyOfRange(m, T, 2 * T), reverse, p, false, new RecurrentPass.Cache()).output(), T * H);
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < H; j++) {
                assertEquals(cleanOut[row(1, t) * H + j], alone[t * H + j], 1e-12, "t" + t);
            }
        }
    }

    /**
     * A float network runs other loops (FloatCells: vectorized, approximate tanh); held to the exact
     * double-precision pass on the same values, with padding, both directions, both cells, and both
     * step-product implementations.
     */
    @ParameterizedTest
    @MethodSource("passes")
    void floatPassAgreesWithTheDoublePass(CellType cell, int blasMinBatch, boolean reverse) {
        Random rng = new Random(21);
        RecurrentPass pass = new RecurrentPass(cell, H, blasMinBatch);
        RnnParams p = params(rng, cell);
        INDArray x = random(rng, 1.0, MB, NIN, T);
        double[] m = mask(reverse ? TAIL_LENGTHS : LENGTHS);
        double[] r = randomRows(rng, 1.0, MB * T * H);
        INDArray dx = Nd4j.create(DataType.DOUBLE, MB, NIN, T);
        RecurrentPass.Cache exact = pass.forward(x, m, reverse, p, true, new RecurrentPass.Cache());
        double[] out = output(exact);
        RecurrentPass.Gradients g = backward(pass, exact, r, p, dx, false);

        RnnParams pf = new RnnParams(p.w().castTo(DataType.FLOAT), p.rw().castTo(DataType.FLOAT),
                p.b().castTo(DataType.FLOAT), p.rb() == null ? null : p.rb().castTo(DataType.FLOAT));
        HostRows rf = new HostRows(DataType.FLOAT).ensure(r.length);
        for (int i = 0; i < r.length; i++) {
            rf.floats()[i] = (float) r[i];
        }
        INDArray dxf = Nd4j.create(DataType.FLOAT, MB, NIN, T);
        RecurrentPass.Cache approx = pass.forward(x.castTo(DataType.FLOAT), m, reverse, pf, true, new RecurrentPass.Cache());
        double[] outF = values(approx.output(), MB * T * H);
        RecurrentPass.Gradients gf = pass.backward(approx, rf, pf);
        pass.inputGradient(approx, pf, dxf, false);
        assertArrayEquals(out, outF, 2e-6);
        String what = cell + "/" + blasMinBatch + "/reverse=" + reverse;
        assertEquals(0.0, g.dw().sub(gf.dw().castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 2e-5, what + " dW");
        assertEquals(0.0, g.drw().sub(gf.drw().castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 2e-5, what + " dRW");
        assertEquals(0.0, g.db().sub(gf.db().castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 2e-5, what + " db");
        if (cell == CellType.GRU) {
            assertEquals(0.0, g.drb().sub(gf.drb().castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 2e-5, what + " drb");
        }
        assertEquals(0.0, dx.sub(dxf.castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 2e-5, what + " dx");
        // The gradients are not all tiny: the tolerance above is meaningful.
        assertTrue(g.dw().amaxNumber().doubleValue() > 0.1, what + " |dW| " + g.dw().amaxNumber());
    }

    @Test
    void reverseRejectsAGapNamingTheSequence() {
        RecurrentPass pass = new RecurrentPass(CellType.LSTM, H);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pass.forward(
                random(new Random(1), 1.0, MB, NIN, T), mask(LENGTHS), true, params(new Random(2), CellType.LSTM), false,
                new RecurrentPass.Cache()));
        assertEquals("bidirectional layer: the mask of sequence 3 has a gap at frame 2; padding must be at the end",
                e.getMessage());
    }

    @Test
    void backwardTwiceIsAnError() {
        Random rng = new Random(4);
        RecurrentPass pass = new RecurrentPass(CellType.GRU, H);
        RnnParams p = params(rng, CellType.GRU);
        RecurrentPass.Cache k = pass.forward(random(rng, 1.0, MB, NIN, T), mask(TAIL_LENGTHS), false, p, true,
                new RecurrentPass.Cache());
        double[] r = randomRows(rng, 1.0, MB * T * H);
        backward(pass, k, r, p, Nd4j.create(DataType.DOUBLE, MB, NIN, T), false);
        assertThrows(IllegalStateException.class, () -> pass.backward(k, rows(r), p));
        assertThrows(IllegalStateException.class, () -> pass.inputGradient(k, p, Nd4j.create(DataType.DOUBLE, MB, NIN, T), false));
    }
}
