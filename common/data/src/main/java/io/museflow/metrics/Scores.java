package io.museflow.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers reported for one target on one partition: the evaluation CCC over the concatenation
 * of all its videos (the table number, never a per-video average), Pearson and RMSE over the same
 * concatenation, the per-video CCCs for inspection, and a bootstrap interval of the CCC over
 * videos ({@link VideoBootstrap}): with ten devel videos a difference of a few hundredths is noise.
 */
public record Scores(double ccc, double pearson, double rmse, long frames, Map<String, Double> perVideoCcc,
                     List<PairMoments> videoMoments) {

    /**
     * The 95 % bootstrap interval of {@link #ccc} over the videos, computed when asked (per-epoch
     * monitoring never asks, so it costs nothing there). Videos in the order of their ids, as a seed
     * mean's interval takes them: a configuration of one seed gets its trial's interval.
     */
    public VideoBootstrap.Interval cccInterval() {
        return VideoBootstrap.seedMean(List.of(momentsByVideo()));
    }

    /** Each video's moments by its id, in the order the videos came. */
    public Map<String, PairMoments> momentsByVideo() {
        Map<String, PairMoments> byVideo = new LinkedHashMap<>();
        int i = 0;
        for (String video : perVideoCcc.keySet()) {
            byVideo.put(video, videoMoments.get(i++));
        }
        return byVideo;
    }

    /** Accumulates videos one at a time. */
    public static final class Builder {
        private final PairMoments all = new PairMoments();
        private final Map<String, Double> perVideo = new LinkedHashMap<>();
        private final List<PairMoments> videos = new ArrayList<>();

        public Builder add(String video, float[] predictions, float[] gold, boolean[] mask) {
            PairMoments v = new PairMoments().addAll(predictions, gold, mask);
            if (perVideo.containsKey(video)) {
                throw new IllegalArgumentException("video " + video + " added twice");
            }
            perVideo.put(video, v.ccc());
            videos.add(v);
            all.merge(v); // reads v, changes only all
            return this;
        }

        public Scores build() {
            // In the order the videos came: Map.copyOf iterates in an order salted per JVM, which made
            // the mean of the per-video CCCs differ in its last bit from one run to the next.
            return new Scores(all.ccc(), all.pearson(), all.rmse(), all.count(),
                    java.util.Collections.unmodifiableMap(new LinkedHashMap<>(perVideo)), List.copyOf(videos));
        }
    }

    /** Mean of the per-video CCCs: shown beside the evaluation CCC because the two differ a lot. */
    public double meanPerVideoCcc() {
        return perVideoCcc.values().stream().filter(d -> !Double.isNaN(d)).mapToDouble(Double::doubleValue)
                .average().orElse(Double.NaN);
    }
}
