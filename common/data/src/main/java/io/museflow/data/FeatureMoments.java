package io.museflow.data;

import java.io.Serializable;

/**
 * Per-column count, mean and sum of squared deviations, mergeable across videos and executors
 * (Chan et al.'s parallel update) so that standardization statistics are fitted without moving
 * frames to the driver. Sums of squares in raw form would lose precision for columns whose mean
 * is large relative to their spread (e.g. pitch in Hz).
 */
public final class FeatureMoments implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] count;
    private final double[] mean;
    private final double[] m2;

    public FeatureMoments(int width) {
        count = new long[width];
        mean = new double[width];
        m2 = new double[width];
    }

    public int width() {
        return count.length;
    }

    /** Adds the valid frames of one aligned video, skipping NaN cells. */
    public FeatureMoments add(AlignedFeatures a) {
        checkWidth(a.width());
        int d = a.width();
        float[] v = a.values();
        for (int i = 0; i < a.frames(); i++) {
            if (!a.valid()[i]) {
                continue;
            }
            int base = i * d;
            for (int c = 0; c < d; c++) {
                float x = v[base + c];
                if (!Float.isNaN(x)) {
                    long n = ++count[c];
                    double delta = x - mean[c];
                    mean[c] += delta / n;
                    m2[c] += delta * (x - mean[c]);
                }
            }
        }
        return this;
    }

    /** Merges another accumulator into this one and returns this. */
    public FeatureMoments merge(FeatureMoments o) {
        checkWidth(o.width());
        for (int c = 0; c < count.length; c++) {
            long nb = o.count[c];
            if (nb == 0) {
                continue;
            }
            long na = count[c];
            long n = na + nb;
            double delta = o.mean[c] - mean[c];
            mean[c] += delta * nb / n;
            m2[c] += o.m2[c] + delta * delta * ((double) na * nb / n);
            count[c] = n;
        }
        return this;
    }

    public long count(int column) {
        return count[column];
    }

    public double mean(int column) {
        return mean[column];
    }

    /** Population variance (ddof = 0), as scikit-learn's StandardScaler that the reference code uses. */
    public double variance(int column) {
        return count[column] == 0 ? Double.NaN : m2[column] / count[column];
    }

    private void checkWidth(int w) {
        if (w != count.length) {
            throw new IllegalArgumentException("width " + w + " does not match " + count.length);
        }
    }
}
