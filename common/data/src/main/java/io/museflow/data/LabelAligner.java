package io.museflow.data;

import java.util.Arrays;

/**
 * Brings a feature series onto the label timestamps of its video. Both inputs are sorted, so each
 * mode is a single merge pass: O(label frames + feature rows).
 */
public final class LabelAligner {
    private LabelAligner() {
    }

    public static AlignedFeatures align(long[] labelTs, FeatureSeries series, AlignmentMode mode, long windowMs) {
        return mode == AlignmentMode.JOIN ? join(labelTs, series) : windowMean(labelTs, series, windowMs);
    }

    /** Exact timestamp join. Label frames with no feature row are missing. */
    public static AlignedFeatures join(long[] labelTs, FeatureSeries series) {
        int t = labelTs.length;
        int d = series.width();
        long[] fts = series.timestampsMs();
        float[] in = series.values();
        float[] out = new float[t * d];
        Arrays.fill(out, Float.NaN);
        boolean[] valid = new boolean[t];
        int j = 0;
        int used = 0;
        for (int i = 0; i < t; i++) {
            while (j < fts.length && fts[j] < labelTs[i]) {
                j++;
            }
            if (j < fts.length && fts[j] == labelTs[i]) {
                System.arraycopy(in, j * d, out, i * d, d);
                valid[i] = true;
                used++;
                j++;
            }
        }
        return finish(t, d, out, valid, fts.length - used);
    }

    /**
     * Mean of the rows with timestamp in {@code [t − w/2, t + w/2)} for each label timestamp t,
     * per column over its non-NaN cells. A label frame whose window holds no row is missing.
     */
    public static AlignedFeatures windowMean(long[] labelTs, FeatureSeries series, long windowMs) {
        if (windowMs <= 0) {
            throw new IllegalArgumentException("window must be positive, got " + windowMs + " ms");
        }
        int t = labelTs.length;
        int d = series.width();
        long[] fts = series.timestampsMs();
        float[] in = series.values();
        float[] out = new float[t * d];
        boolean[] valid = new boolean[t];
        double[] sum = new double[d];
        int[] count = new int[d];
        boolean[] rowUsed = new boolean[fts.length];
        long half = windowMs / 2;
        long rest = windowMs - half;
        int lo = 0;
        for (int i = 0; i < t; i++) {
            long from = labelTs[i] - half;
            long to = labelTs[i] + rest;
            while (lo < fts.length && fts[lo] < from) {
                lo++;
            }
            int hi = lo;
            Arrays.fill(sum, 0);
            Arrays.fill(count, 0);
            while (hi < fts.length && fts[hi] < to) {
                int base = hi * d;
                for (int c = 0; c < d; c++) {
                    float v = in[base + c];
                    if (!Float.isNaN(v)) {
                        sum[c] += v;
                        count[c]++;
                    }
                }
                rowUsed[hi] = true;
                hi++;
            }
            valid[i] = hi > lo;
            int base = i * d;
            for (int c = 0; c < d; c++) {
                out[base + c] = count[c] == 0 ? Float.NaN : (float) (sum[c] / count[c]);
            }
        }
        int unused = 0;
        for (boolean u : rowUsed) {
            if (!u) {
                unused++;
            }
        }
        return finish(t, d, out, valid, unused);
    }

    /** A frame whose cells are all NaN carries no data: it counts as missing, not as NaN cells. */
    private static AlignedFeatures finish(int t, int d, float[] out, boolean[] valid, int unused) {
        int missing = 0;
        long nan = 0;
        for (int i = 0; i < t; i++) {
            if (valid[i]) {
                int nanInFrame = 0;
                for (int c = i * d; c < (i + 1) * d; c++) {
                    if (Float.isNaN(out[c])) {
                        nanInFrame++;
                    }
                }
                if (nanInFrame == d) {
                    valid[i] = false;
                } else {
                    nan += nanInFrame;
                }
            }
            if (!valid[i]) {
                missing++;
                Arrays.fill(out, i * d, (i + 1) * d, Float.NaN);
            }
        }
        return new AlignedFeatures(t, d, out, valid, missing, nan, unused);
    }
}
