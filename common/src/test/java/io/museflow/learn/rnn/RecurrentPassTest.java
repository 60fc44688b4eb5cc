package io.museflow.learn.rnn;

import io.museflow.learn.GradientChecks;
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

    /** The weight gradients, and the input gradient into {@code dx}. */
    static RecurrentPass.Gradients backward(RecurrentPass pass, RecurrentPass.Cache k, double[] dOut, RnnParams p,
                                            INDArray dx, boolean accumulate) {
        RecurrentPass.Gradients g = pass.backward(k, dOut, p);
        pass.inputGradient(k, p, dx, accumulate);
        return g;
    }

    /** Loss = Σ out ⊙ R, so dLoss/dOut = R. */
    static double loss(RecurrentPass pass, INDArray x, double[] m, boolean reverse, RnnParams p, double[] r) {
        double[] out = pass.forward(x, m, reverse, p, false, new RecurrentPass.Cache()).output();
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
        double[] rev = pass.forward(x, m, true, p, false, new RecurrentPass.Cache()).output().clone();
        double[] fwd = pass.forward(flipped, m, false, p, false, new RecurrentPass.Cache()).output();
        for (int b = 0; b < MB; b++) {
            int len = TAIL_LENGTHS[b];
            for (int t = 0; t < T; t++) {
                int back = t < len ? len - 1 - t : t;
                for (int j = 0; j < H; j++) {
                    assertEquals(fwd[(b * T + back) * H + j], rev[(b * T + t) * H + j], 1e-12, "b" + b + " t" + t);
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
        for (int row = 0; row < MB * T; row++) {
            for (int j = 0; j < H; j++) {
                if (m[row] == 0) {
                    r[row * H + j] = 0;
                    rNoisy[row * H + j] = 100 * rng.nextGaussian();
                }
            }
        }
        RecurrentPass.Cache clean = new RecurrentPass.Cache();
        double[] cleanOut = pass.forward(x, m, reverse, p, true, clean).output().clone();
        INDArray dxClean = Nd4j.create(DataType.DOUBLE, MB, NIN, T);
        RecurrentPass.Gradients a = backward(pass, clean, r, p, dxClean, false);
        // The noisy run reuses buffers last filled by a different, unmasked minibatch.
        RecurrentPass.Cache reused = new RecurrentPass.Cache();
        double[] ones = new double[MB * T];
        java.util.Arrays.fill(ones, 1.0);
        backward(pass, pass.forward(random(rng, 3.0, MB, NIN, T), ones, reverse, p, true, reused),
                randomRows(rng, 3.0, MB * T * H), p, Nd4j.create(DataType.DOUBLE, MB, NIN, T), false);
        double[] noisyOut = pass.forward(xNoisy, m, reverse, p, true, reused).output();
        assertArrayEquals(cleanOut, noisyOut, 0.0);
        for (int row = 0; row < MB * T; row++) {
            if (m[row] == 0) {
                for (int j = 0; j < H; j++) {
                    assertEquals(0.0, noisyOut[row * H + j], 0.0);
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
        double[] alone = pass.forward(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2)).dup(),
                java.util.Arrays.copyOfRange(m, T, 2 * T), reverse, p, false, new RecurrentPass.Cache()).output();
        assertArrayEquals(java.util.Arrays.copyOfRange(cleanOut, T * H, 2 * T * H),
                java.util.Arrays.copyOfRange(alone, 0, T * H), 1e-12);
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
        assertThrows(IllegalStateException.class, () -> pass.backward(k, r, p));
        assertThrows(IllegalStateException.class, () -> pass.inputGradient(k, p, Nd4j.create(DataType.DOUBLE, MB, NIN, T), false));
    }
}
