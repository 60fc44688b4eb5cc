package io.museflow.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

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

    public static Interval ccc(List<PairMoments> videos, int resamples, double level, long seed) {
        return interval(List.of(videos), resamples, level, seed);
    }

    /**
     * The 95 % interval of a seed mean: the moments of each seed's predictions by video (the same
     * videos for every seed; a video a seed lacks counts as empty). Each draw picks the videos once
     * and scores every seed on that same draw before averaging: the seeds are scored on the same
     * devel videos, so a hard video lowers them all, and resampling videos jointly keeps that (an
     * interval from the seeds' spread alone would not). With one seed it is {@link #ccc(List)}.
     */
    public static Interval seedMean(List<Map<String, PairMoments>> seeds) {
        Set<String> videos = new TreeSet<>();
        seeds.forEach(s -> videos.addAll(s.keySet()));
        List<List<PairMoments>> aligned = new ArrayList<>();
        for (Map<String, PairMoments> s : seeds) {
            aligned.add(videos.stream().map(v -> s.getOrDefault(v, new PairMoments())).toList());
        }
        return interval(aligned, RESAMPLES, LEVEL, SEED);
    }

    /** The CCCs (averaged over seeds) of {@code resamples} bootstrap draws of the videos, sorted. */
    static double[] distribution(List<List<PairMoments>> seeds, int resamples, long seed) {
        int n = seeds.get(0).size();
        double[] out = new double[resamples];
        int[] draw = new int[n];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int b = 0; b < resamples; b++) {
            for (int k = 0; k < n; k++) {
                draw[k] = rng.nextInt(n);
            }
            double sum = 0;
            for (List<PairMoments> videos : seeds) {
                PairMoments merged = new PairMoments();
                for (int k : draw) {
                    merged.merge(videos.get(k));
                }
                sum += merged.ccc();
            }
            out[b] = sum / seeds.size();
        }
        Arrays.sort(out);
        return out;
    }

    /** {@code seeds}: per seed, the moments of the same videos in the same order. */
    private static Interval interval(List<List<PairMoments>> seeds, int resamples, double level, long seed) {
        if (resamples < 2 || !(level > 0 && level < 1)) {
            throw new IllegalArgumentException("bootstrap needs at least 2 resamples and a level in (0, 1): "
                    + resamples + ", " + level);
        }
        // A video without labelled frames adds nothing to a draw; drawing it would only shrink the
        // draw's size, so it is left out.
        int videos = seeds.isEmpty() ? 0 : seeds.get(0).size();
        List<Integer> labelled = java.util.stream.IntStream.range(0, videos)
                .filter(v -> seeds.stream().anyMatch(s -> s.get(v).count() > 0)).boxed().toList();
        if (labelled.isEmpty()) {
            return new Interval(Double.NaN, Double.NaN);
        }
        List<List<PairMoments>> kept = seeds.stream().map(s -> labelled.stream().map(s::get).toList()).toList();
        double[] sorted = distribution(kept, resamples, seed);
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
