package io.museflow.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Standardization of one feature set: {@code (x − mean) / std} per column, fitted on train only.
 * Missing frames and NaN cells become 0 afterwards, i.e. the train mean, and are flagged by the
 * frame mask. A column that is constant (or never observed) in train keeps std 1, so it cannot
 * blow up on devel and test.
 */
public record FeatureStats(float[] mean, float[] std, long[] count, boolean standardized) implements Serializable {
    /** Spreads below this are treated as constant columns. */
    public static final double MIN_STD = 1e-6;

    public static FeatureStats identity(int width) {
        float[] zero = new float[width];
        float[] one = new float[width];
        Arrays.fill(one, 1f);
        return new FeatureStats(zero, one, new long[width], false);
    }

    public static FeatureStats fit(FeatureMoments m) {
        int d = m.width();
        float[] mean = new float[d];
        float[] std = new float[d];
        long[] count = new long[d];
        for (int c = 0; c < d; c++) {
            count[c] = m.count(c);
            if (count[c] == 0) {
                std[c] = 1f;
                continue;
            }
            mean[c] = (float) m.mean(c);
            double s = Math.sqrt(m.variance(c));
            std[c] = s < MIN_STD ? 1f : (float) s;
        }
        return new FeatureStats(mean, std, count, true);
    }

    public int width() {
        return mean.length;
    }

    /** Standardized copy of the aligned values: invalid frames and NaN cells are 0. */
    public float[] apply(AlignedFeatures a) {
        if (a.width() != width()) {
            throw new IllegalArgumentException("width " + a.width() + " does not match statistics of width " + width());
        }
        int d = a.width();
        float[] in = a.values();
        float[] out = new float[in.length];
        for (int i = 0; i < a.frames(); i++) {
            if (!a.valid()[i]) {
                continue;
            }
            int base = i * d;
            for (int c = 0; c < d; c++) {
                float x = in[base + c];
                out[base + c] = Float.isNaN(x) ? 0f : (x - mean[c]) / std[c];
            }
        }
        return out;
    }
}
