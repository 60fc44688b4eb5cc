package io.museflow.learn.attention;

import io.museflow.learn.GradientChecks;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionPassTest {
    static final int MB = 3;
    static final int T = 5;
    static final int D = 4;
    static final int[] LENGTHS = {5, 3, 1};

    static INDArray random(Random rng, double scale, long... shape) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, scale * rng.nextGaussian());
        }
        return a;
    }

    static INDArray mask() {
        INDArray m = Nd4j.zeros(DataType.DOUBLE, MB * T, 1);
        for (int b = 0; b < MB; b++) {
            for (int t = 0; t < LENGTHS[b]; t++) {
                m.putScalar(b * T + t, 0, 1.0);
            }
        }
        return m;
    }

    static AttentionParams params(Random rng) {
        return new AttentionParams(random(rng, 0.5, D, D), random(rng, 0.2, 1, D), random(rng, 0.5, D, D),
                random(rng, 0.2, 1, D), random(rng, 0.5, D, D), random(rng, 0.2, 1, D), random(rng, 0.5, D, D),
                random(rng, 0.2, 1, D), random(rng, 0.3, 1, D).addi(1.0), random(rng, 0.2, 1, D));
    }

    @Test
    void gradientsMatchFiniteDifferencesWithPaddedSequences() {
        Random rng = new Random(2);
        AttentionPass pass = new AttentionPass(2);
        AttentionParams p = params(rng);
        INDArray x = random(rng, 1.0, MB * T, D);
        INDArray m = mask();
        INDArray r = random(rng, 1.0, MB * T, D);
        DoubleSupplier loss = () -> pass.forward(x, m, MB, p).output().mul(r).sumNumber().doubleValue();
        AttentionPass.Gradients g = pass.backward(pass.forward(x, m, MB, p), r, p);
        Map<String, INDArray[]> checks = new LinkedHashMap<>();
        checks.put("x", new INDArray[]{g.dx(), x});
        checks.put("Wq", new INDArray[]{g.dwq(), p.wq()});
        checks.put("bq", new INDArray[]{g.dbq(), p.bq()});
        checks.put("Wk", new INDArray[]{g.dwk(), p.wk()});
        checks.put("bk", new INDArray[]{g.dbk(), p.bk()});
        checks.put("Wv", new INDArray[]{g.dwv(), p.wv()});
        checks.put("bv", new INDArray[]{g.dbv(), p.bv()});
        checks.put("Wo", new INDArray[]{g.dwo(), p.wo()});
        checks.put("bo", new INDArray[]{g.dbo(), p.bo()});
        checks.put("gamma", new INDArray[]{g.dGamma(), p.gamma()});
        checks.put("beta", new INDArray[]{g.dBeta(), p.beta()});
        checks.forEach((name, pair) -> GradientChecks.assertGradient(pair[0], pair[1], loss, 1e-6, "d" + name));
    }

    @Test
    void layerNormAloneMatchesFiniteDifferencesAndNormalizes() {
        Random rng = new Random(4);
        INDArray x = random(rng, 3.0, 6, 5).addi(10);
        INDArray gamma = random(rng, 0.3, 1, 5).addi(1);
        INDArray beta = random(rng, 0.3, 1, 5);
        INDArray r = random(rng, 1.0, 6, 5);
        DoubleSupplier loss = () -> LayerNormPass.scale(LayerNormPass.normalize(x), gamma, beta).mul(r).sumNumber()
                .doubleValue();
        INDArray[] g = LayerNormPass.backward(LayerNormPass.normalize(x), r, gamma);
        GradientChecks.assertGradient(g[0], x, loss, 1e-6, "dx");
        GradientChecks.assertGradient(g[1], gamma, loss, 1e-6, "dgamma");
        GradientChecks.assertGradient(g[2], beta, loss, 1e-6, "dbeta");
        INDArray xHat = LayerNormPass.normalize(x).xHat();
        assertEquals(0.0, xHat.mean(1).amaxNumber().doubleValue(), 1e-12);
        assertEquals(1.0, xHat.mul(xHat).mean(1).minNumber().doubleValue(), 1e-4);
    }

    @Test
    void paddingDoesNotLeak() {
        Random rng = new Random(6);
        AttentionPass pass = new AttentionPass(2);
        AttentionParams p = params(rng);
        INDArray m = mask();
        INDArray x = random(rng, 1.0, MB * T, D).muliColumnVector(m);
        INDArray noisy = x.add(random(rng, 100.0, MB * T, D).muliColumnVector(m.rsub(1.0)));
        INDArray r = random(rng, 1.0, MB * T, D);
        AttentionPass.Cache a = pass.forward(x, m, MB, p);
        AttentionPass.Cache b = pass.forward(noisy, m, MB, p);
        assertEquals(0.0, a.output().sub(b.output()).amaxNumber().doubleValue(), 1e-12);
        assertEquals(0.0, b.output().mulColumnVector(m.rsub(1.0)).amaxNumber().doubleValue(), 0.0);
        AttentionPass.Gradients ga = pass.backward(a, r, p);
        AttentionPass.Gradients gb = pass.backward(b, r, p);
        assertEquals(0.0, ga.dwq().sub(gb.dwq()).amaxNumber().doubleValue(), 1e-10);
        assertEquals(0.0, ga.dwv().sub(gb.dwv()).amaxNumber().doubleValue(), 1e-10);
        assertEquals(0.0, ga.dGamma().sub(gb.dGamma()).amaxNumber().doubleValue(), 1e-10);
        assertEquals(0.0, gb.dx().mulColumnVector(m.rsub(1.0)).amaxNumber().doubleValue(), 0.0, "no gradient into padding");
    }

    @Test
    void inferenceEqualsTheTrainingForwardPassAndReusedBuffersChangeNothing() {
        Random rng = new Random(8);
        AttentionParams p = params(rng);
        INDArray x = random(rng, 1.0, MB * T, D);
        INDArray m = mask();
        INDArray whole = new AttentionPass(2).forward(x, m, MB, p, true).output();
        AttentionPass.Buffers buffers = new AttentionPass.Buffers();
        // Fill the buffers with another, longer, unpadded minibatch first.
        new AttentionPass(2).forward(random(rng, 3.0, 2 * (T + 2), D), Nd4j.ones(DataType.DOUBLE, 2 * (T + 2), 1), 2, p,
                true, buffers);
        AttentionPass.Cache inference = new AttentionPass(2).forward(x, m, MB, p, false, buffers);
        assertEquals(0.0, whole.sub(inference.output()).amaxNumber().doubleValue(), 1e-12);
        assertThrows(IllegalStateException.class, () -> new AttentionPass(2).backward(inference, x, p));
    }

    /**
     * Float networks take other softmax loops (vectorized, approximate exp): held to the exact double
     * pass, with padding at the ends (the fast loops) and with a gap inside a sequence (the general ones).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void floatPassAgreesWithTheDoublePass(boolean gap) {
        Random rng = new Random(12);
        AttentionParams p = params(rng);
        INDArray x = random(rng, 1.0, MB * T, D);
        INDArray m = mask();
        if (gap) {
            m.putScalar(1, 0, 0.0); // sequence 0, frame 1 masked between real frames
        }
        INDArray r = random(rng, 1.0, MB * T, D);
        AttentionPass pass = new AttentionPass(2);
        AttentionPass.Cache exact = pass.forward(x, m, MB, p);
        AttentionPass.Gradients g = pass.backward(exact, r, p);
        AttentionParams pf = new AttentionParams(p.wq().castTo(DataType.FLOAT), p.bq().castTo(DataType.FLOAT),
                p.wk().castTo(DataType.FLOAT), p.bk().castTo(DataType.FLOAT), p.wv().castTo(DataType.FLOAT),
                p.bv().castTo(DataType.FLOAT), p.wo().castTo(DataType.FLOAT), p.bo().castTo(DataType.FLOAT),
                p.gamma().castTo(DataType.FLOAT), p.beta().castTo(DataType.FLOAT));
        AttentionPass.Cache approx = pass.forward(x.castTo(DataType.FLOAT), m.castTo(DataType.FLOAT), MB, pf);
        AttentionPass.Gradients gf = pass.backward(approx, r.castTo(DataType.FLOAT), pf);
        assertEquals(0.0, exact.output().sub(approx.output().castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 1e-5);
        INDArray[][] pairs = {{g.dx(), gf.dx()}, {g.dwq(), gf.dwq()}, {g.dwk(), gf.dwk()}, {g.dwv(), gf.dwv()},
                {g.dwo(), gf.dwo()}, {g.dGamma(), gf.dGamma()}};
        for (INDArray[] pair : pairs) {
            assertTrue(pair[0].amaxNumber().doubleValue() > 1e-2, "gradient not trivially small");
            assertEquals(0.0, pair[0].sub(pair[1].castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 1e-4);
        }
    }
}
