package io.museflow.results;

import io.museflow.data.Target;
import io.museflow.metrics.PairMoments;
import io.museflow.metrics.VideoBootstrap;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PaperTablesTest {
    private final List<PaperTables.Trial> trials = new ArrayList<>();

    /** Adds one configuration (group) over seeds: its devel and test CCC per seed. */
    private void config(String group, String sets, String model, int attention, int lstm, String cell, String loss,
                        double[] devel, double[] test) {
        for (int s = 0; s < devel.length; s++) {
            trials.add(new PaperTables.Trial(group + "-" + s, group, group + " seed" + (s + 1), Target.AROUSAL, sets,
                    model, attention, lstm, cell, true, model.equals("stacked") ? 2 : 0, loss, devel[s],
                    test == null ? Double.NaN : test[s], Map.of()));
        }
    }

    private static PaperTables.Cell cell(List<PaperTables.Cell> cells, String table, String group, String variant) {
        return cells.stream().filter(c -> c.table().equals(table) && c.group().equals(group) && c.variant().equals(variant))
                .findFirst().orElseThrow(() -> new AssertionError(table + " / " + group + " / " + variant + " in " + cells));
    }

    @Test
    void eachCellIsTheBestConfigurationBySeedMeanReportedOverItsSeeds() {
        // Two attention + BiLSTM configurations: A has the single best seed (0.70), B the better mean.
        config("A", "egemaps", "sun", 1, 1, "", "ccc", new double[]{0.70, 0.40, 0.46}, new double[]{0.9, 0.9, 0.9});
        config("B", "egemaps", "sun", 1, 1, "", "ccc", new double[]{0.60, 0.58, 0.56}, new double[]{0.50, 0.52, 0.54});
        config("C", "egemaps", "sun", 0, 1, "", "ccc", new double[]{0.50, 0.52}, null);
        config("D", "egemaps", "sun", 1, 0, "", "ccc", new double[]{0.30}, null);
        config("E", "egemaps", "sun", 1, 1, "", "mse", new double[]{0.35}, null);
        List<PaperTables.Cell> cells = PaperTables.compute(trials, Map.of("egemaps", "audio"));
        PaperTables.Cell full = cell(cells, "model", "egemaps", "attention + BiLSTM");
        assertEquals("B", full.name(), "the name without its seed");
        assertEquals(3, full.seeds());
        assertEquals(0.58, full.develMean(), 1e-12);
        assertEquals(0.02, full.develStd(), 1e-12, "sample standard deviation of 0.60, 0.58, 0.56");
        assertEquals(0.52, full.testMean(), 1e-12, "test reported beside devel: B's, though A's test is higher");
        assertEquals("B-0", full.bestTrialId());
        assertEquals(0.51, cell(cells, "model", "egemaps", "BiLSTM").develMean(), 1e-12);
        PaperTables.Cell attention = cell(cells, "model", "egemaps", "attention");
        assertTrue(Double.isNaN(attention.develStd()) && Double.isNaN(attention.testMean()), "one seed, no test labels");
        assertEquals(0.58, cell(cells, "loss", "egemaps · attention + BiLSTM", "CCC").develMean(), 1e-12);
        assertEquals(0.35, cell(cells, "loss", "egemaps · attention + BiLSTM", "MSE").develMean(), 1e-12,
                "a loss is compared within one network");
        assertTrue(cells.stream().noneMatch(c -> c.table().equals("model") && c.develMean() == 0.35),
                "the model ablation keeps the CCC loss");
        assertEquals(0.58, cell(cells, "unimodal", "audio", "egemaps").develMean(), 1e-12);
        PaperTables.Cell best = cells.stream().filter(c -> c.table().equals("best")).findFirst().orElseThrow();
        assertEquals("best system", best.group());
        assertEquals(0.58, best.develMean(), 1e-12);

        String md = PaperTables.markdown(cells);
        assertTrue(md.contains("| egemaps | attention + BiLSTM | 0.580 ± 0.020 | 0.520 ± 0.020 | 3 |"), md);
        assertTrue(md.contains("| egemaps | attention | 0.300 | – | 1 |"), md);
    }

    /**
     * The best table compares seed means: a one-seed configuration with a higher devel CCC (a lucky
     * draw) loses to a configuration with several seeds, and is chosen only where no kind has more.
     */
    @Test
    void theBestTableComparesSeedMeansNotSingleDraws() {
        config("multi", "egemaps", "sun", 1, 1, "", "ccc", new double[]{0.60, 0.62}, new double[]{0.55, 0.57});
        config("lucky", "vggface", "sun", 1, 1, "", "ccc", new double[]{0.75}, new double[]{0.40});
        config("alone", "bert+fau", "sun", 1, 1, "", "ccc", new double[]{0.50}, new double[]{0.45});
        List<PaperTables.Cell> cells = PaperTables.compute(trials, Map.of("egemaps", "audio", "vggface", "video",
                "bert", "text", "fau", "video"));
        PaperTables.Cell system = cell(cells, "best", "best system", "egemaps sun");
        assertEquals(0.61, system.develMean(), 1e-12);
        assertEquals(2, system.seeds());
        assertTrue(cells.stream().noneMatch(c -> c.table().equals("best") && c.group().equals("best system")
                && c.variant().startsWith("vggface")), "the one-seed draw is not the best system");
        assertEquals(0.61, cell(cells, "best", "best single feature set", "egemaps sun").develMean(), 1e-12);
        assertEquals(1, cell(cells, "best", "best fusion", "bert+fau sun").seeds(),
                "no fusion has two seeds: the best fusion falls back to the one-seed configurations");
        assertTrue(PaperTables.markdown(cells).contains("among configurations with two or more seeds"));
    }

    /** A cell's interval is the seed-mean bootstrap over its configuration's seeds, never another's. */
    @Test
    void cellsCarryTheIntervalOfTheirSeedMean() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
        List<Map<String, PairMoments>> seedsOfB = new ArrayList<>();
        for (String group : List.of("A", "B")) {
            for (int s = 0; s < 3; s++) {
                Map<String, PairMoments> videos = new java.util.TreeMap<>();
                for (int v = 0; v < 6; v++) {
                    PairMoments m = new PairMoments();
                    for (int t = 0; t < 50; t++) {
                        double gold = Math.sin(t / 5.0 + v);
                        m.add(gold + (group.equals("A") ? 0.9 : 0.4) * rng.nextGaussian(), gold);
                    }
                    videos.put("v" + v, m);
                }
                if (group.equals("B")) {
                    seedsOfB.add(videos);
                }
                PairMoments all = new PairMoments();
                videos.values().forEach(all::merge);
                trials.add(new PaperTables.Trial(group + s, group, group + " seed" + s, Target.AROUSAL, "egemaps", "sun",
                        1, 1, "", true, 0, "ccc", all.ccc(), Double.NaN, videos));
            }
        }
        PaperTables.Cell b = cell(PaperTables.compute(trials, Map.of()), "model", "egemaps", "attention + BiLSTM");
        assertEquals("B", b.name(), "the better configuration by seed mean");
        VideoBootstrap.Interval expected = VideoBootstrap.seedMean(seedsOfB);
        assertEquals(expected.low(), b.develLow(), 1e-12);
        assertEquals(expected.high(), b.develHigh(), 1e-12);
        assertTrue(b.develLow() < b.develMean() && b.develMean() < b.develHigh(), b.toString());
        assertTrue(PaperTables.markdown(List.of(b)).contains(String.format(java.util.Locale.ROOT, "[%.3f, %.3f]",
                b.develLow(), b.develHigh())), "the Markdown cell shows the interval");
    }

    @Test
    void cellsReAndFusionTables() {
        config("G", "egemaps", "stacked", 0, 0, "gru", "ccc", new double[]{0.50, 0.52}, null);
        config("L", "egemaps", "stacked", 0, 0, "lstm", "ccc", new double[]{0.40, 0.42}, null);
        config("R", "egemaps+re:egemaps", "stacked", 0, 0, "gru", "ccc", new double[]{0.55, 0.57}, null);
        config("V", "vggface", "stacked", 0, 0, "gru", "ccc", new double[]{0.45, 0.47}, null);
        config("E", "egemaps+vggface", "stacked", 0, 0, "gru", "ccc", new double[]{0.53, 0.55}, null);
        config("F", "late(egemaps,vggface)", "late-sun", 0, 0, "", "ccc", new double[]{0.60, 0.62}, null);
        config("M", "late(vggface,egemaps)", "late-mean", 0, 0, "", "", new double[]{0.58}, null);
        List<PaperTables.Cell> cells = PaperTables.compute(trials, Map.of());
        assertEquals(0.51, cell(cells, "cells", "egemaps", "2 × BiGRU").develMean(), 1e-12);
        assertEquals(0.41, cell(cells, "cells", "egemaps", "2 × BiLSTM").develMean(), 1e-12);
        assertEquals(0.56, cell(cells, "re", "egemaps · 2 × BiGRU", "with RE").develMean(), 1e-12);
        assertEquals(0.51, cell(cells, "re", "egemaps · 2 × BiGRU", "without RE").develMean(), 1e-12);
        assertTrue(cells.stream().noneMatch(c -> c.table().equals("cells") && c.group().contains("re:")),
                "the cell ablation leaves RE inputs out");
        assertTrue(cells.stream().noneMatch(c -> c.table().equals("re") && c.group().startsWith("vggface")),
                "RE rows only where both variants exist");
        String combo = "egemaps+vggface";
        assertEquals(0.54, cell(cells, "fusion", combo, "early").develMean(), 1e-12);
        assertEquals(0.61, cell(cells, "fusion", combo, "late, sun").develMean(), 1e-12);
        assertEquals(0.58, cell(cells, "fusion", combo, "late, mean of predictions").develMean(), 1e-12,
                "the combination's name does not depend on the sets' order");
        assertEquals(0.51, cell(cells, "fusion", combo, "best single set (egemaps)").develMean(), 1e-12,
                "the best single set of the combination, without RE");
        // Per target: the best system, the best single set and the best fusion, each by devel seed mean.
        assertEquals(0.61, cell(cells, "best", "best system", "late(egemaps,vggface) late-sun").develMean(), 1e-12);
        assertEquals(0.51, cell(cells, "best", "best single feature set", "egemaps stacked").develMean(), 1e-12,
                "RE inputs are not a single feature set");
        assertEquals(0.61, cell(cells, "best", "best fusion", "late(egemaps,vggface) late-sun").develMean(), 1e-12);
        assertEquals("other", cells.stream().filter(c -> c.table().equals("unimodal")).findFirst().orElseThrow().group());
    }
}
