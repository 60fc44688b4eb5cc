package io.museflow.synth;

import io.museflow.data.FeatureCsvReader;
import io.museflow.data.FeatureSeries;
import io.museflow.data.LabelCsvReader;
import io.museflow.data.LabelSeries;
import io.museflow.data.Partition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticMuseTest {
    @TempDir
    Path dir;

    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readString(p));
            }
        }
        return out;
    }

    private static FeatureSeries features(Path p) throws IOException {
        return FeatureCsvReader.read(new StringReader(Files.readString(p)), p.toString());
    }

    private static LabelSeries labels(Path p) throws IOException {
        return LabelCsvReader.read(new StringReader(Files.readString(p)), p.toString());
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherData() throws IOException {
        TinyPackage.write(dir.resolve("a"), "muse2020", 11);
        TinyPackage.write(dir.resolve("b"), "muse2020", 11);
        TinyPackage.write(dir.resolve("c"), "muse2020", 12);
        assertEquals(contents(dir.resolve("a")), contents(dir.resolve("b")));
        assertNotEquals(contents(dir.resolve("a")).get("label_segments/arousal/1.csv"),
                contents(dir.resolve("c")).get("label_segments/arousal/1.csv"));
    }

    @Test
    void muse2020LayoutWithTheRealQuirks() throws IOException {
        SyntheticMuse muse = TinyPackage.write(dir, "muse2020", 5);
        String partitions = Files.readString(dir.resolve("metadata/partition.csv"));
        assertTrue(partitions.startsWith("Id,Proposal\n"));
        long rows = partitions.lines().count() - 1;
        assertTrue(rows >= 6);
        int train = 0;
        for (int i = 0; i < 6; i++) {
            Partition p = muse.partition(i);
            train += p == Partition.TRAIN ? 1 : 0;
            Path label = dir.resolve("label_segments/arousal/" + SyntheticMuse.videoId(i) + ".csv");
            assertEquals(p != Partition.TEST, Files.exists(label), "test labels are absent by default");
        }
        assertTrue(train >= 3);

        int video = 0;
        while (muse.partition(video) == Partition.TEST) {
            video++;
        }
        String id = SyntheticMuse.videoId(video);
        assertEquals("timestamp,value,segment_id",
                Files.readAllLines(dir.resolve("label_segments/valence/" + id + ".csv")).get(0));
        LabelSeries a = labels(dir.resolve("label_segments/arousal/" + id + ".csv"));
        FeatureSeries audio = features(dir.resolve("feature_segments/label_aligned/egemaps/" + id + ".csv"));
        FeatureSeries text = features(dir.resolve("feature_segments/label_aligned/bert/" + id + ".csv"));
        FeatureSeries lld = features(dir.resolve("feature_segments/unaligned/egemaps_lld/" + id + ".csv"));
        assertEquals(0, a.timestampsMs()[0] % 250);
        assertArrayEqualsLong(a.timestampsMs(), audio.timestampsMs());
        assertEquals(SyntheticMuse.TEXT_START_MS, text.timestampsMs()[0], "text starts later than the labels");
        assertEquals(10, lld.timestampsMs()[1] - lld.timestampsMs()[0], "native rate");
        assertTrue(lld.rows() > 20 * a.rows());
    }

    @Test
    void labelTimestampsAreUnevenAndCellsGoMissingAcrossAPackage() throws IOException {
        TinyPackage.write(dir, "muse2021", 3, "videos=10", "minutes.min=3", "minutes.max=3");
        boolean gap = false;
        long nanCells = 0;
        int absentRows = 0;
        for (int i = 1; i <= 10; i++) {
            Path lf = dir.resolve("label_segments/arousal/" + i + ".csv");
            if (!Files.exists(lf)) {
                continue;
            }
            assertEquals("timestamp,segment_id,value", Files.readAllLines(lf).get(0));
            LabelSeries a = labels(lf);
            for (int k = 1; k < a.rows(); k++) {
                gap |= a.timestampsMs()[k] - a.timestampsMs()[k - 1] > 500;
            }
            FeatureSeries v = features(dir.resolve("feature_segments/vggface/" + i + ".csv"));
            absentRows += a.rows() - v.rows();
            nanCells += features(dir.resolve("feature_segments/egemaps/" + i + ".csv")).nanCells();
        }
        assertTrue(gap, "cut stretches make label timestamps uneven");
        assertTrue(absentRows > 0, "video rows go missing");
        assertTrue(nanCells > 0, "cells are empty or NaN");
    }

    /** Audio follows arousal and text follows valence: the signal a model can learn is there. */
    @Test
    void modalitiesCarryTheirDimension() throws IOException {
        TinyPackage.write(dir, "muse2020", 9, "videos=3", "minutes.min=4", "minutes.max=4", "test-labels=true");
        LabelSeries a = labels(dir.resolve("label_segments/arousal/1.csv"));
        LabelSeries v = labels(dir.resolve("label_segments/valence/1.csv"));
        FeatureSeries audio = features(dir.resolve("feature_segments/label_aligned/egemaps/1.csv"));
        double bestAudioArousal = 0;
        double bestAudioValence = 0;
        for (int c = 0; c < audio.width(); c++) {
            bestAudioArousal = Math.max(bestAudioArousal, Math.abs(corr(audio, c, a)));
            bestAudioValence = Math.max(bestAudioValence, Math.abs(corr(audio, c, v)));
        }
        assertTrue(bestAudioArousal > 0.5, "audio column correlates with arousal: " + bestAudioArousal);
        assertTrue(bestAudioArousal > bestAudioValence);
        assertFalse(Double.isNaN(bestAudioValence));

        FeatureSeries text = features(dir.resolve("feature_segments/label_aligned/bert/1.csv"));
        double bestTextValence = 0;
        double bestTextArousal = 0;
        for (int c = 0; c < text.width(); c++) {
            bestTextValence = Math.max(bestTextValence, Math.abs(corr(text, c, v)));
            bestTextArousal = Math.max(bestTextArousal, Math.abs(corr(text, c, a)));
        }
        assertTrue(bestTextValence > 0.4, "text column correlates with valence: " + bestTextValence);
        assertTrue(bestTextValence > bestTextArousal);
    }

    /**
     * arousal-private / valence-private: each modality sees only part of the label's dimension.
     * Noise-free, uncorrupted features and no hidden component, so a least-squares fit of the label on
     * the columns of a set that is linear in it (audio for arousal: arousal, its square and a little
     * valence; video for valence: both linearly) recovers it almost exactly when every modality sees
     * the same latent, and only in part when 60 % of its variance is private.
     */
    @ParameterizedTest
    @CsvSource({"arousal, egemaps, feature_segments/label_aligned/egemaps",
            "valence, vggface, feature_segments/label_aligned/vggface"})
    void aPrivateShareHidesPartOfTheLabelFromEachModality(String dimension, String set, String folder)
            throws IOException {
        double[] r2 = new double[2];
        String[] shares = {"0", "0.6"};
        for (int k = 0; k < shares.length; k++) {
            Path root = dir.resolve(dimension + k);
            TinyPackage.write(root, "muse2020", 9, "videos=3", "minutes.min=4", "minutes.max=4", "test-labels=true",
                    "feature-noise=0", "audio-corruption=0", dimension + "-private=" + shares[k]);
            List<FeatureSeries> features = new java.util.ArrayList<>();
            List<LabelSeries> labels = new java.util.ArrayList<>();
            for (int video = 1; video <= 3; video++) {
                features.add(features(root.resolve(folder + "/" + video + ".csv")));
                labels.add(labels(root.resolve("label_segments/" + dimension + "/" + video + ".csv")));
            }
            r2[k] = fitR2(features, labels);
        }
        assertTrue(r2[0] > 0.97, "shared " + dimension + ": " + set + " explains the label: R² " + r2[0]);
        assertTrue(r2[1] < 0.8 && r2[1] > 0.2, "private " + dimension + ": " + set + " explains the label in part: R² "
                + r2[1]);
    }

    /** R² of the least-squares fit of y on the feature columns and an intercept (complete rows, all videos). */
    private static double fitR2(List<FeatureSeries> videos, List<LabelSeries> labels) {
        int p = videos.get(0).width() + 1;
        List<double[]> rows = new java.util.ArrayList<>(); // 1, the columns, y
        for (int v = 0; v < videos.size(); v++) {
            FeatureSeries s = videos.get(v);
            Map<Long, Float> byTs = new TreeMap<>();
            for (int i = 0; i < labels.get(v).rows(); i++) {
                byTs.put(labels.get(v).timestampsMs()[i], labels.get(v).values()[i]);
            }
            for (int i = 0; i < s.rows(); i++) {
                double[] x = new double[p + 1];
                x[0] = 1;
                Float l = byTs.get(s.timestampsMs()[i]);
                x[p] = l == null ? Double.NaN : l;
                for (int c = 0; c < s.width(); c++) {
                    x[c + 1] = s.values()[i * s.width() + c];
                }
                if (java.util.Arrays.stream(x).noneMatch(Double::isNaN)) {
                    rows.add(x);
                }
            }
        }
        double[][] normal = new double[p][p + 1];
        for (double[] x : rows) {
            for (int a = 0; a < p; a++) {
                for (int b = 0; b <= p; b++) {
                    normal[a][b] += x[a] * x[b];
                }
            }
        }
        for (int col = 0; col < p; col++) { // Gauss-Jordan with partial pivoting
            int pivot = col;
            for (int r = col + 1; r < p; r++) {
                pivot = Math.abs(normal[r][col]) > Math.abs(normal[pivot][col]) ? r : pivot;
            }
            double[] t = normal[col];
            normal[col] = normal[pivot];
            normal[pivot] = t;
            for (int r = 0; r < p; r++) {
                double f = r == col ? 0 : normal[r][col] / normal[col][col];
                for (int b = col; b <= p; b++) {
                    normal[r][b] -= f * normal[col][b];
                }
            }
        }
        double mean = rows.stream().mapToDouble(x -> x[p]).average().orElseThrow();
        double residual = 0, total = 0;
        for (double[] x : rows) {
            double fit = 0;
            for (int a = 0; a < p; a++) {
                fit += x[a] * normal[a][p] / normal[a][a];
            }
            residual += (x[p] - fit) * (x[p] - fit);
            total += (x[p] - mean) * (x[p] - mean);
        }
        return 1 - residual / total;
    }

    private static double corr(FeatureSeries s, int column, LabelSeries y) {
        Map<Long, Float> byTs = new TreeMap<>();
        for (int i = 0; i < y.rows(); i++) {
            byTs.put(y.timestampsMs()[i], y.values()[i]);
        }
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        int n = 0;
        for (int i = 0; i < s.rows(); i++) {
            float x = s.values()[i * s.width() + column];
            Float l = byTs.get(s.timestampsMs()[i]);
            if (Float.isNaN(x) || l == null) {
                continue;
            }
            n++;
            sx += x;
            sy += l;
            sxx += x * x;
            syy += l * l;
            sxy += x * l;
        }
        double cov = sxy / n - sx / n * sy / n;
        return cov / Math.sqrt((sxx / n - sx / n * sx / n) * (syy / n - sy / n * sy / n));
    }

    private static void assertArrayEqualsLong(long[] expected, long[] actual) {
        assertEquals(List.of(box(expected)), List.of(box(actual)));
    }

    private static Long[] box(long[] a) {
        return java.util.Arrays.stream(a).boxed().toArray(Long[]::new);
    }
}
