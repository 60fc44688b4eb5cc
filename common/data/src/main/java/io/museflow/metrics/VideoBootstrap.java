package io.museflow.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap of the evaluation CCC over videos: the partition's videos are drawn with
 * replacement as many times as it has videos, the drawn videos' frames concatenated (their moments
 * merged) and the CCC computed, {@code resamples} times; the interval is the central {@code level}
 * of those CCCs. Videos, not frames, are the unit: frames within a video are strongly correlated,
 * and with ten devel videos what varies from one data set to the next is which videos it holds.
 * The draws come from a fixed seed, so the same predictions always get the same interval.
 */
public final class VideoBootstrap {
    /** Resamples of the interval every trial row carries. */
    public static final int RESAMPLES = 1000;
    /** Coverage of that interval. */
    public static final double LEVEL = 0.95;
    private static final long SEED = 20_201_2021L;

    private VideoBootstrap() {
    }

    /** A closed interval of CCC values. */
    public record Interval(double low, double high) {
        public boolean contains(double x) {
            return x >= low && x <= high;
        }
    }

    /** The 95 % interval over {@link #RESAMPLES} resamples; both ends NaN when there is no video. */
    public static Interval ccc(List<PairMoments> videos) {
        return ccc(videos, RESAMPLES, LEVEL, SEED);
    }

    /** The CCCs of {@code resamples} bootstrap draws of {@code videos}, sorted. */
    static double[] distribution(List<PairMoments> videos, int resamples, long seed) {
        int n = videos.size();
        double[] out = new double[resamples];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int b = 0; b < resamples; b++) {
            PairMoments draw = new PairMoments();
            for (int k = 0; k < n; k++) {
                draw.merge(videos.get(rng.nextInt(n)));
            }
            out[b] = draw.ccc();
        }
        Arrays.sort(out);
        return out;
    }

    public static Interval ccc(List<PairMoments> videos, int resamples, double level, long seed) {
        if (resamples < 2 || !(level > 0 && level < 1)) {
            throw new IllegalArgumentException("bootstrap needs at least 2 resamples and a level in (0, 1): "
                    + resamples + ", " + level);
        }
        if (videos.stream().mapToLong(PairMoments::count).sum() == 0) {
            return new Interval(Double.NaN, Double.NaN);
        }
        // A video without labelled frames adds nothing to a draw; drawing it would only shrink the
        // draw's size, so it is left out.
        List<PairMoments> labelled = videos.stream().filter(v -> v.count() > 0).toList();
        double[] sorted = distribution(labelled, resamples, seed);
        double tail = (1 - level) / 2;
        return new Interval(quantile(sorted, tail), quantile(sorted, 1 - tail));
    }

    /** Linear interpolation between order statistics (the default of R, NumPy and Spark's percentile). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
