package io.museflow.submission;

import io.museflow.config.ConfigError;
import io.museflow.config.PrepareConfig;
import io.museflow.data.InputDataException;
import io.museflow.data.Partition;
import io.museflow.data.Target;
import io.museflow.prepare.spark.PrepareJob;
import io.museflow.prepare.spark.SparkTestSession;
import io.museflow.prepare.spark.TestPackages;
import io.museflow.sweep.SweepGrid;
import io.museflow.sweep.SweepJob;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generate (with test labels, so the package itself holds the timeline a challenge scores on) →
 * prepare → a tiny sweep → export, for both layouts; the files are checked against the generated
 * package's test label files and against the sweep's predictions table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubmissionExportTest {
    private final Configuration conf = new Configuration();
    Path dir;
    /** layout -> package, sweep folder, trial ids by target. */
    final Map<String, Path> packages = new HashMap<>();
    final Map<String, Path> sweeps = new HashMap<>();
    final Map<String, Map<Target, String>> trials = new HashMap<>();

    @BeforeAll
    void sweepBothLayouts(@TempDir Path tmp) throws Exception {
        dir = tmp;
        SparkSession spark = SparkTestSession.get();
        for (String layout : List.of("muse2020", "muse2021")) {
            Path pkg = TestPackages.generate(tmp.resolve(layout), layout, "videos=8", "minutes.min=0.4",
                    "minutes.max=0.6", "test-labels=true");
            Path prepared = tmp.resolve(layout + "-prepared");
            PrepareJob.run(spark, PrepareConfig.load(List.of("input=" + pkg, "output=" + prepared, "window.size=40",
                    "window.hop=20")));
            Path out = tmp.resolve(layout + "-sweep");
            SweepJob.run(spark, SweepGrid.load(List.of("data=" + prepared, "output=" + out, "model=[stacked]",
                    "layers=[1]", "cell=[gru]", "hidden=[4]", "max-epochs=2", "batch-size=[8]", "learning-rate=[0.01]",
                    "feature-sets=[egemaps]", "targets=[arousal, valence]", "save-models=false")));
            Map<Target, String> ids = new LinkedHashMap<>();
            for (Row r : spark.read().parquet(out.resolve("trials").toString()).collectAsList()) {
                ids.put(Target.of(r.getString(r.fieldIndex("targets"))), r.getString(r.fieldIndex("trial_id")));
            }
            packages.put(layout, pkg);
            sweeps.put(layout, out);
            trials.put(layout, ids);
        }
    }

    private ExportConfig config(String layout, String output, String... extra) {
        List<String> a = new ArrayList<>(List.of("sweep=" + sweeps.get(layout), "output=" + dir.resolve(output),
                "trials.arousal=" + trials.get(layout).get(Target.AROUSAL),
                "trials.valence=" + trials.get(layout).get(Target.VALENCE)));
        a.addAll(List.of(extra));
        return ExportConfig.load(a);
    }

    /** The test videos of a generated package, from its partition file (which repeats some rows). */
    private TreeSet<String> testVideos(Path pkg) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        for (String line : Files.readAllLines(pkg.resolve("metadata/partition.csv"))) {
            String[] c = line.split(",");
            if (c[1].trim().equalsIgnoreCase("test")) {
                out.add(c[0].trim());
            }
        }
        assertFalse(out.isEmpty());
        return out;
    }

    /** Column {@code name} of a generated label file, as text, row by row. */
    private static List<String> labelColumn(Path pkg, String dimension, String video, String name) throws Exception {
        List<String> lines = Files.readAllLines(pkg.resolve("label_segments/" + dimension + "/" + video + ".csv"));
        int c = List.of(lines.get(0).split(",")).indexOf(name);
        return lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)[c]).toList();
    }

    /** The sweep's test predictions of one trial, by video and frame. */
    private Map<String, Map<Integer, Float>> predictions(String layout, Target target) {
        String id = trials.get(layout).get(target);
        Map<String, Map<Integer, Float>> out = new HashMap<>();
        for (Row r : SparkTestSession.get().read().parquet(sweeps.get(layout).resolve("predictions/" + id + ".parquet")
                .toString()).where("partition = 'test' AND target = '" + target.key() + "'").collectAsList()) {
            out.computeIfAbsent(r.getString(r.fieldIndex("video")), k -> new HashMap<>())
                    .put(r.getInt(r.fieldIndex("frame")), r.getFloat(r.fieldIndex("prediction")));
        }
        return out;
    }

    @Test
    void muse2020OneCsvWithARowPerLabelTimestampOfEveryTestVideo() throws Exception {
        Submission s = ExportJob.run(config("muse2020", "sub2020"), conf);
        assertEquals(SubmissionFormat.MUSE2020, s.format(), "auto: the data set's layout");
        Path pkg = packages.get("muse2020");
        List<String> lines = Files.readAllLines(dir.resolve("sub2020/test.csv"));
        assertEquals("id,timestamp,prediction_arousal,prediction_valence", lines.get(0));
        Map<String, List<String[]>> byVideo = new LinkedHashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            byVideo.computeIfAbsent(c[0], k -> new ArrayList<>()).add(c);
        }
        assertEquals(testVideos(pkg), new TreeSet<>(byVideo.keySet()), "every test video, nothing else");
        Map<String, Map<Integer, Float>> arousal = predictions("muse2020", Target.AROUSAL);
        Map<String, Map<Integer, Float>> valence = predictions("muse2020", Target.VALENCE);
        for (Map.Entry<String, List<String[]>> e : byVideo.entrySet()) {
            List<String> expected = labelColumn(pkg, "arousal", e.getKey(), "timestamp");
            assertEquals(expected, e.getValue().stream().map(c -> c[1]).toList(),
                    "video " + e.getKey() + ": the package's label timestamps, in order");
            for (int f = 0; f < e.getValue().size(); f++) {
                String[] c = e.getValue().get(f);
                assertEquals(arousal.get(e.getKey()).get(f), Float.parseFloat(c[2]), 1e-6);
                assertEquals(valence.get(e.getKey()).get(f), Float.parseFloat(c[3]), 1e-6);
            }
        }
        String manifest = Files.readString(dir.resolve("sub2020/_museflow.json"));
        assertTrue(manifest.contains(trials.get("muse2020").get(Target.AROUSAL)) && manifest.contains("data_fingerprint")
                && manifest.contains("code_version"), manifest);

        // The same export again is recognised; another one into the same folder is refused.
        ExportJob.run(config("muse2020", "sub2020"), conf);
        String m = assertThrows(InputDataException.class, () -> ExportJob.run(config("muse2020", "sub2020",
                "trials.valence=\"\""), conf)).getMessage();
        assertTrue(m.contains("already holds a different submission") && m.contains("museflow.export.overwrite"), m);
    }

    @Test
    void muse2021AFilePerDimensionAndVideoWithSegmentIds() throws Exception {
        Submission s = ExportJob.run(config("muse2021", "sub2021", "trials.valence=\"\""), conf);
        assertEquals(List.of(Target.AROUSAL), s.targets());
        Path pkg = packages.get("muse2021");
        assertFalse(Files.exists(dir.resolve("sub2021/valence")), "only the named dimension");
        Map<String, Map<Integer, Float>> arousal = predictions("muse2021", Target.AROUSAL);
        for (String video : testVideos(pkg)) {
            List<String> lines = Files.readAllLines(dir.resolve("sub2021/arousal/" + video + ".csv"));
            assertEquals("timestamp,segment_id,value", lines.get(0));
            List<String[]> rows = lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)).toList();
            assertEquals(labelColumn(pkg, "arousal", video, "timestamp"), rows.stream().map(c -> c[0]).toList());
            assertEquals(labelColumn(pkg, "arousal", video, "segment_id"), rows.stream().map(c -> c[1]).toList());
            for (int f = 0; f < rows.size(); f++) {
                assertEquals(arousal.get(video).get(f), Float.parseFloat(rows.get(f)[2]), 1e-6);
            }
            long step = Long.parseLong(rows.get(1)[0]) - Long.parseLong(rows.get(0)[0]);
            assertEquals(500, step, "MuSe-Stress rows every 500 ms");
        }
    }

    @Test
    void badRequestsNameWhatIsWrongAndWriteNothing() throws Exception {
        String m = assertThrows(InputDataException.class, () -> ExportJob.run(config("muse2020", "bad1",
                "format=muse2021"), conf)).getMessage();
        assertTrue(m.contains("500 ms") && m.contains("250 ms"), m);
        m = assertThrows(InputDataException.class, () -> ExportJob.run(config("muse2020", "bad2",
                "trials.arousal=0123456789abcdef"), conf)).getMessage();
        assertTrue(m.contains("museflow.export.trials.arousal") && m.contains("0123456789abcdef"), m);
        m = assertThrows(InputDataException.class, () -> ExportJob.run(config("muse2020", "bad3",
                "trials.arousal=" + trials.get("muse2020").get(Target.VALENCE)), conf)).getMessage();
        assertTrue(m.contains("predicts valence, not arousal"), m);
        m = assertThrows(ConfigError.class, () -> ExportJob.run(config("muse2020", "bad4", "trials.arousal=\"\"",
                "trials.valence=\"\""), conf)).getMessage();
        assertTrue(m.startsWith("museflow.export.trials"), m);
        for (String out : List.of("bad1", "bad2", "bad3", "bad4")) {
            assertFalse(Files.exists(dir.resolve(out)), out);
        }
        assertEquals(List.of(), TestPackages.leftovers(dir));
    }

    @Test
    void validationRejectsMissingVideosNaNAndTimestampsOffTheTimeline() {
        Map<String, Submission.Timeline> timeline = new LinkedHashMap<>();
        timeline.put("12", new Submission.Timeline(new long[]{0, 250, 500}, new int[]{1, 1, 2}));
        timeline.put("3", new Submission.Timeline(new long[]{0, 250}, new int[]{1, 1}));
        Map<String, float[]> values = new LinkedHashMap<>(Map.of("12", new float[]{0.1f, 0.2f, 0.3f},
                "3", new float[]{0.5f, 0.6f}));
        Map<String, long[]> stamps = new LinkedHashMap<>(Map.of("12", new long[]{0, 250, 500}, "3", new long[]{0, 250}));
        Submission ok = Submission.of(SubmissionFormat.MUSE2020, Partition.TEST, timeline,
                Map.of(Target.AROUSAL, new Submission.Predictions("t", values, stamps)));
        assertEquals(List.of("3", "12"), ok.videos().stream().map(Submission.Video::id).toList(), "numeric ids by number");
        assertEquals(5, ok.rows());

        Map<String, float[]> missing = new LinkedHashMap<>(values);
        missing.remove("3");
        assertMessage(timeline, missing, stamps, "trial t (arousal) has no predictions for test video 3");
        Map<String, float[]> nan = new LinkedHashMap<>(values);
        nan.put("12", new float[]{0.1f, Float.NaN, 0.3f});
        assertMessage(timeline, nan, stamps, "test video 12 frame 1 (250 ms): prediction is missing or NaN");
        Map<String, long[]> shifted = new LinkedHashMap<>(stamps);
        shifted.put("12", new long[]{0, 250, 750});
        assertMessage(timeline, values, shifted, "frame 2: predicted at 750 ms, the timeline says 500 ms");
        Map<String, float[]> extra = new LinkedHashMap<>(values);
        extra.put("99", new float[]{0f});
        assertMessage(timeline, extra, stamps, "predicts test video 99, which the prepared data set's test partition");
        Map<String, float[]> shorter = new LinkedHashMap<>(values);
        shorter.put("12", new float[]{0.1f, 0.2f});
        assertMessage(timeline, shorter, stamps, "test video 12: 2 predicted frames, the timeline has 3");
        Map<String, Submission.Timeline> backwards = new LinkedHashMap<>(timeline);
        backwards.put("3", new Submission.Timeline(new long[]{250, 250}, new int[]{1, 1}));
        String m = assertThrows(InputDataException.class, () -> Submission.of(SubmissionFormat.MUSE2020, Partition.TEST,
                backwards, Map.of(Target.AROUSAL, new Submission.Predictions("t", values, stamps)))).getMessage();
        assertTrue(m.contains("video 3: the timeline is not increasing at frame 1"), m);
        assertArrayEquals(new long[]{0, 250, 500}, ok.videos().get(1).timestampsMs());
    }

    private static void assertMessage(Map<String, Submission.Timeline> timeline, Map<String, float[]> values,
                                      Map<String, long[]> stamps, String expected) {
        String m = assertThrows(InputDataException.class, () -> Submission.of(SubmissionFormat.MUSE2020, Partition.TEST,
                timeline, Map.of(Target.AROUSAL, new Submission.Predictions("t", values, stamps)))).getMessage();
        assertTrue(m.contains(expected), m);
    }
}
