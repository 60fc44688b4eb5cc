package io.museflow.data;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class StandardizationTest {
    private static AlignedFeatures aligned(int d, float[] values, boolean[] valid) {
        int missing = 0;
        for (boolean v : valid) {
            missing += v ? 0 : 1;
        }
        return new AlignedFeatures(valid.length, d, values, valid, missing, 0, 0);
    }

    @Test
    void fitsPopulationMeanAndStdOnValidFramesAndObservedCells() {
        // column 0: 1, 3, 5 (the invalid frame's 100 is ignored) -> mean 3, var (4+0+4)/3
        // column 1: 2, NaN, 6 -> mean 4, var (4+4)/2; column 2 constant 7 -> std 1
        AlignedFeatures a = aligned(3, new float[]{
                1, 2, 7,
                3, Float.NaN, 7,
                100, 100, 100,
                5, 6, 7}, new boolean[]{true, true, false, true});
        FeatureStats s = FeatureStats.fit(new FeatureMoments(3).add(a));
        assertEquals(3f, s.mean()[0], 1e-6);
        assertEquals((float) Math.sqrt(8.0 / 3), s.std()[0], 1e-6);
        assertEquals(4f, s.mean()[1], 1e-6);
        assertEquals(2f, s.std()[1], 1e-6);
        assertEquals(7f, s.mean()[2], 1e-6);
        assertEquals(1f, s.std()[2], "a constant column keeps std 1");
        assertArrayEquals(new long[]{3, 2, 3}, s.count());

        float[] z = s.apply(a);
        float k = (float) Math.sqrt(8.0 / 3);
        assertArrayEquals(new float[]{
                (1 - 3) / k, -1, 0,
                0, 0, 0,          // the NaN cell becomes 0 (the train mean)
                0, 0, 0,          // the invalid frame becomes zeros
                (5 - 3) / k, 1, 0}, z, 1e-6f);
    }

    @Test
    void mergingPartialMomentsEqualsOnePass() {
        SplittableRandom rng = new SplittableRandom(3);
        int d = 4;
        FeatureMoments all = new FeatureMoments(d);
        FeatureMoments merged = new FeatureMoments(d);
        for (int part = 0; part < 5; part++) {
            int t = 1 + rng.nextInt(50);
            float[] v = new float[t * d];
            boolean[] valid = new boolean[t];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (1e4 + rng.nextGaussian()); // large mean, small spread: the precision trap
            }
            for (int i = 0; i < t; i++) {
                valid[i] = rng.nextDouble() < 0.8;
            }
            AlignedFeatures a = aligned(d, v, valid);
            all.add(a);
            merged.merge(new FeatureMoments(d).add(a));
        }
        for (int c = 0; c < d; c++) {
            assertEquals(all.count(c), merged.count(c));
            assertEquals(all.mean(c), merged.mean(c), 1e-9);
            assertEquals(all.variance(c), merged.variance(c), 1e-9);
            assertEquals(1.0, merged.variance(c), 0.5);
        }
    }

    @Test
    void identityLeavesValuesButStillZeroesMissing() {
        AlignedFeatures a = aligned(1, new float[]{4, Float.NaN, 9}, new boolean[]{true, false, true});
        assertArrayEquals(new float[]{4, 0, 9}, FeatureStats.identity(1).apply(a));
    }
}
