package io.museflow.metrics;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoBootstrapTest {

    /** A video of {@code n} frames whose prediction follows gold with the given noise and offset. */
    private static float[][] video(SplittableRandom rng, int n, double noise, double offset) {
        float[] p = new float[n];
        float[] g = new float[n];
        double level = rng.nextGaussian() * 0.3;
        for (int t = 0; t < n; t++) {
            g[t] = (float) (level + Math.sin(t / 7.0 + rng.nextDouble()));
            p[t] = (float) (g[t] + offset + noise * rng.nextGaussian());
        }
        return new float[][]{p, g};
    }

    private static PairMoments moments(float[][] v) {
        return new PairMoments().addAll(v[0], v[1], null);
    }

    @Test
    void drawsAreVideosWithReplacementScoredOverTheirConcatenation() {
        // Four videos of different quality: enumerate all 4^4 equally likely draws, compute each
        // draw's CCC from the concatenated raw frames, and compare the bootstrap's distribution to
        // that exact one at several points of its CDF.
        SplittableRandom rng = new SplittableRandom(3);
        List<float[][]> raw = List.of(video(rng, 40, 0.1, 0), video(rng, 30, 0.8, 0.5), video(rng, 50, 0.3, -0.4),
                video(rng, 20, 1.5, 0));
        List<PairMoments> videos = raw.stream().map(VideoBootstrapTest::moments).toList();
        List<Double> exact = new ArrayList<>();
        for (int code = 0; code < 256; code++) {
            exact.add(drawCcc(raw, code));
        }
        assertSameDistribution(exact, VideoBootstrap.distribution(List.of(videos), 20_000, 11), 0.05, 0.25, 0.5,
                0.75, 0.95);
    }

    /**
     * The CCC over the concatenated raw frames of draw {@code code}: its base-n digits (n videos)
     * name the video drawn at each of the n places.
     */
    private static double drawCcc(List<float[][]> videos, int code) {
        int n = videos.size();
        List<Float> p = new ArrayList<>();
        List<Float> g = new ArrayList<>();
        for (int k = 0, c = code; k < n; k++, c /= n) {
            float[][] v = videos.get(c % n);
            for (int t = 0; t < v[0].length; t++) {
                p.add(v[0][t]);
                g.add(v[1][t]);
            }
        }
        return ccc(p, g);
    }

    /** The bootstrap's CDF equals the exact one (all draws equally likely) at the exact quantiles {@code qs}. */
    private static void assertSameDistribution(List<Double> exact, double[] boot, double... qs) {
        List<Double> sorted = exact.stream().sorted().toList();
        for (double q : qs) {
            double x = sorted.get((int) (q * (sorted.size() - 1)));
            double exactCdf = exact.stream().filter(e -> e <= x + 1e-12).count() / (double) exact.size();
            double bootCdf = java.util.Arrays.stream(boot).filter(b -> b <= x + 1e-9).count() / (double) boot.length;
            assertEquals(exactCdf, bootCdf, 0.015, "CDF at the exact " + q + " quantile " + x);
        }
    }

    /** CCC straight from its definition (population moments), as the evaluation computes it. */
    private static double ccc(List<Float> p, List<Float> g) {
        int n = p.size();
        double mp = 0, mg = 0;
        for (int i = 0; i < n; i++) {
            mp += p.get(i) / (double) n;
            mg += g.get(i) / (double) n;
        }
        double vp = 0, vg = 0, cov = 0;
        for (int i = 0; i < n; i++) {
            vp += (p.get(i) - mp) * (p.get(i) - mp) / n;
            vg += (g.get(i) - mg) * (g.get(i) - mg) / n;
            cov += (p.get(i) - mp) * (g.get(i) - mg) / n;
        }
        return 2 * cov / (vp + vg + (mp - mg) * (mp - mg));
    }

    @Test
    void intervalHoldsThePointEstimateAndNarrowsWithMoreVideos() {
        SplittableRandom rng = new SplittableRandom(5);
        List<PairMoments> few = new ArrayList<>();
        List<PairMoments> many = new ArrayList<>();
        for (int v = 0; v < 60; v++) {
            PairMoments m = moments(video(rng, 80, 0.7, 0.3 * rng.nextGaussian()));
            if (v < 6) {
                few.add(m);
            }
            many.add(m);
        }
        for (List<PairMoments> set : List.of(few, many)) {
            PairMoments all = new PairMoments();
            set.forEach(all::merge);
            VideoBootstrap.Interval ci = VideoBootstrap.ccc(set);
            assertTrue(ci.contains(all.ccc()), ci + " holds " + all.ccc());
            assertTrue(ci.low() < ci.high(), ci.toString());
        }
        VideoBootstrap.Interval a = VideoBootstrap.ccc(few);
        VideoBootstrap.Interval b = VideoBootstrap.ccc(many);
        assertTrue(b.high() - b.low() < 0.6 * (a.high() - a.low()), "60 videos " + b + " vs 6 videos " + a);
        assertEquals(a, VideoBootstrap.ccc(few), "the same predictions always get the same interval");
    }

    @Test
    void degenerateCases() {
        SplittableRandom rng = new SplittableRandom(9);
        PairMoments one = moments(video(rng, 30, 0.5, 0.1));
        VideoBootstrap.Interval single = VideoBootstrap.ccc(List.of(one));
        assertEquals(one.ccc(), single.low(), 1e-12, "one video: every draw is that video");
        assertEquals(one.ccc(), single.high(), 1e-12);
        VideoBootstrap.Interval same = VideoBootstrap.ccc(List.of(one, one, one));
        assertEquals(one.ccc(), same.low(), 1e-9, "identical videos: every draw has the same CCC");
        assertEquals(one.ccc(), same.high(), 1e-9);
        VideoBootstrap.Interval withEmpty = VideoBootstrap.ccc(List.of(one, new PairMoments()));
        assertEquals(one.ccc(), withEmpty.low(), 1e-12, "a video without labelled frames is left out");
        assertTrue(Double.isNaN(VideoBootstrap.ccc(List.of(new PairMoments())).low()));
        assertTrue(Double.isNaN(VideoBootstrap.ccc(List.of()).high()));
    }

    /**
     * A seed mean's draws score every seed on the same videos: with two seeds over three videos,
     * enumerate all 3^3 draws, average the two seeds' CCCs on each, and compare to the bootstrap's
     * distribution; drawing each seed's videos independently would give a narrower one.
     */
    @Test
    void seedMeanDrawsTheSameVideosForEverySeed() {
        SplittableRandom rng = new SplittableRandom(7);
        List<Map<String, PairMoments>> seeds = new ArrayList<>();
        List<List<float[][]>> raw = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            SplittableRandom videosRng = new SplittableRandom(100); // the same gold for both seeds
            List<float[][]> vs = new ArrayList<>();
            Map<String, PairMoments> byVideo = new java.util.TreeMap<>();
            for (int v = 0; v < 3; v++) {
                float[][] video = video(videosRng, 30 + 10 * v, 0.2 + 0.5 * v, 0);
                for (int t = 0; t < video[0].length; t++) {
                    video[0][t] += (float) (0.4 * rng.nextGaussian()); // this seed's own errors
                }
                vs.add(video);
                byVideo.put("v" + v, moments(video));
            }
            raw.add(vs);
            seeds.add(byVideo);
        }
        List<Double> exact = new ArrayList<>();
        for (int code = 0; code < 27; code++) {
            exact.add((drawCcc(raw.get(0), code) + drawCcc(raw.get(1), code)) / 2);
        }
        assertSameDistribution(exact, VideoBootstrap.distribution(seeds.stream()
                .map(m -> List.copyOf(m.values())).toList(), 20_000, 13), 0.1, 0.5, 0.9);
        VideoBootstrap.Interval mean = VideoBootstrap.seedMean(seeds);
        double pointMean = seeds.stream().mapToDouble(m -> {
            PairMoments all = new PairMoments();
            m.values().forEach(all::merge);
            return all.ccc();
        }).average().orElseThrow();
        assertTrue(mean.contains(pointMean), mean + " holds the seed mean " + pointMean);
        assertEquals(VideoBootstrap.ccc(List.copyOf(seeds.get(0).values())), VideoBootstrap.seedMean(seeds.subList(0, 1)),
                "one seed: the trial's own interval");
    }

    @Test
    void quantileInterpolatesBetweenOrderStatistics() {
        double[] s = {0, 1, 2, 3, 4};
        assertEquals(0.1, VideoBootstrap.quantile(s, 0.025), 1e-12);
        assertEquals(3.9, VideoBootstrap.quantile(s, 0.975), 1e-12);
        assertEquals(2.0, VideoBootstrap.quantile(s, 0.5), 1e-12);
    }
}
