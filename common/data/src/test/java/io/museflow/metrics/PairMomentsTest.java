package io.museflow.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairMomentsTest {
    private static PairMoments of(double[] p, double[] g) {
        PairMoments m = new PairMoments();
        for (int i = 0; i < p.length; i++) {
            m.add(p[i], g[i]);
        }
        return m;
    }

    @Test
    void handComputedValues() {
        // p = 1,2,3; g = 2,4,6: means 2 and 4, var_p 2/3, var_g 8/3, cov 4/3.
        // CCC = 2(4/3) / (2/3 + 8/3 + (2-4)^2) = (8/3) / (22/3) = 4/11; Pearson 1; RMSE sqrt(14/3).
        PairMoments m = of(new double[]{1, 2, 3}, new double[]{2, 4, 6});
        assertEquals(4.0 / 11, m.ccc(), 1e-15);
        assertEquals(1.0, m.pearson(), 1e-15);
        assertEquals(Math.sqrt(14.0 / 3), m.rmse(), 1e-15);
        // p = 0.5, -0.5, 0, 1; g = 0.25, -0.25, 0.25, 0.75: means 0.25 both;
        // deviations p: .25 -.75 -.25 .75, g: 0 -.5 0 .5 -> cov (0 + .375 + 0 + .375)/4 = .1875,
        // var_p (.0625+.5625+.0625+.5625)/4 = .3125, var_g (.25+.25)/4 = .125 -> CCC .375/.4375 = 6/7.
        PairMoments q = of(new double[]{0.5, -0.5, 0, 1}, new double[]{0.25, -0.25, 0.25, 0.75});
        assertEquals(6.0 / 7, q.ccc(), 1e-15);
        assertEquals(0.1875 / Math.sqrt(0.3125 * 0.125), q.pearson(), 1e-15);
    }

    @Test
    void perfectAndOppositeAgreement() {
        assertEquals(1.0, of(new double[]{1, -2, 3}, new double[]{1, -2, 3}).ccc(), 1e-15);
        assertEquals(-1.0, of(new double[]{1, -1}, new double[]{-1, 1}).ccc(), 1e-15);
    }

    @Test
    void constantInputsAreNaNFree() {
        PairMoments constPred = of(new double[]{0.2, 0.2, 0.2}, new double[]{0, 1, 2});
        assertEquals(0.0, constPred.ccc());
        assertEquals(0.0, constPred.pearson());
        PairMoments bothSame = of(new double[]{0.3, 0.3}, new double[]{0.3, 0.3});
        assertEquals(1.0, bothSame.ccc());
        assertEquals(0.0, bothSame.pearson());
        assertEquals(0.0, bothSame.rmse());
        PairMoments bothConstDifferent = of(new double[]{0.3, 0.3}, new double[]{0.1, 0.1});
        assertEquals(0.0, bothConstDifferent.ccc());
        assertTrue(Double.isNaN(new PairMoments().ccc()), "no pairs: no number");
    }

    @Test
    void mergingVideosEqualsTheConcatenation() {
        SplittableRandom rng = new SplittableRandom(5);
        PairMoments whole = new PairMoments();
        PairMoments merged = new PairMoments();
        for (int v = 0; v < 7; v++) {
            PairMoments video = new PairMoments();
            double offset = 1e3 * rng.nextDouble();
            for (int i = 0, n = rng.nextInt(40); i < n; i++) {
                double g = offset + rng.nextGaussian();
                double p = g + 0.5 * rng.nextGaussian() + 0.1;
                whole.add(p, g);
                video.add(p, g);
            }
            merged.merge(video);
        }
        assertEquals(whole.count(), merged.count());
        assertEquals(whole.ccc(), merged.ccc(), 1e-12);
        assertEquals(whole.pearson(), merged.pearson(), 1e-12);
        assertEquals(whole.rmse(), merged.rmse(), 1e-12);
    }

    @Test
    void masksAndMissingLabelsAreSkippedButNaNPredictionsAreErrors() {
        PairMoments m = new PairMoments().addAll(new float[]{1, 2, 99, 3, 42}, new float[]{2, 4, 7, 6, Float.NaN},
                new boolean[]{true, true, false, true, true});
        assertEquals(3, m.count());
        assertEquals(4.0 / 11, m.ccc(), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> new PairMoments().addAll(new float[]{Float.NaN}, new float[]{1}, null));
    }

    @Test
    void evaluationCccIsOverTheConcatenationNotTheMeanOfVideos() {
        // Video a is predicted exactly (CCC 1); video b gets a constant (CCC 0): mean of videos 0.5.
        // Concatenation: p = 0,2,1,1 and g = 0,2,0,2, both means 1; cov = (1+1+0+0)/4 = 1/2,
        // var_p = 1/2, var_g = 1 -> CCC = 1 / (3/2) = 2/3. The table number is the 2/3.
        Scores s = new Scores.Builder()
                .add("a", new float[]{0, 2}, new float[]{0, 2}, null)
                .add("b", new float[]{1, 1}, new float[]{0, 2}, null)
                .build();
        assertEquals(2.0 / 3, s.ccc(), 1e-12);
        assertEquals(1.0, s.perVideoCcc().get("a"), 1e-12);
        assertEquals(0.0, s.perVideoCcc().get("b"), 1e-12);
        assertEquals(0.5, s.meanPerVideoCcc(), 1e-12);
        assertEquals(4, s.frames());
        assertThrows(IllegalArgumentException.class, () -> new Scores.Builder()
                .add("a", new float[]{1}, new float[]{1}, null).add("a", new float[]{1}, new float[]{1}, null));
    }

    @Test
    void perVideoScoresKeepTheVideosOrderSoTheirMeanIsTheSameEveryRun() {
        // The mean's last bit depends on the order it adds in; an order salted per JVM made it vary.
        Scores.Builder b = new Scores.Builder();
        List<String> ids = new java.util.ArrayList<>();
        for (int v = 0; v < 12; v++) {
            ids.add("video" + (v * 7 % 12));
            b.add(ids.get(v), new float[]{0, 1, v}, new float[]{1, 0, v + 1}, null);
        }
        assertEquals(ids, List.copyOf(b.build().perVideoCcc().keySet()));
    }

    /** From a database's aggregates (count, means, population variances and covariance times n). */
    @Test
    void fromAggregatesEqualsAccumulated() {
        double[] p = {0.1, 0.5, -0.3, 0.9, 0.2};
        double[] g = {0.0, 0.4, -0.1, 0.7, 0.5};
        PairMoments acc = new PairMoments();
        double mp = 0, mg = 0, sq = 0;
        for (int i = 0; i < p.length; i++) {
            acc.add(p[i], g[i]);
            mp += p[i] / p.length;
            mg += g[i] / p.length;
            sq += (p[i] - g[i]) * (p[i] - g[i]);
        }
        double vp = 0, vg = 0, cov = 0;
        for (int i = 0; i < p.length; i++) {
            vp += (p[i] - mp) * (p[i] - mp);
            vg += (g[i] - mg) * (g[i] - mg);
            cov += (p[i] - mp) * (g[i] - mg);
        }
        PairMoments of = PairMoments.of(p.length, mp, mg, vp, vg, cov, sq);
        assertEquals(acc.ccc(), of.ccc(), 1e-12);
        assertEquals(acc.rmse(), of.rmse(), 1e-12);
        assertEquals(acc.ccc(), new PairMoments().merge(of).ccc(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> PairMoments.of(0, 1, 0, 0, 0, 0, 0));
    }
}
