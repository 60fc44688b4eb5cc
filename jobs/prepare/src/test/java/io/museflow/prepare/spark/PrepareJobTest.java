package io.museflow.prepare.spark;

import io.museflow.config.PrepareConfig;
import io.museflow.data.FeatureCsvReader;
import io.museflow.data.FeatureSeries;
import io.museflow.data.InputDataException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generate → prepare in local Spark, then check the Parquet content against the CSVs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrepareJobTest {
    Path dir;
    Path pkg;
    Path out;
    SparkSession spark;
    PrepareJob.Result result;
    Map<String, float[]> stats = new HashMap<>();

    private PrepareJob.Result prepare(Path output, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("input=" + pkg, "output=" + output));
        a.addAll(List.of(args));
        return PrepareJob.run(spark, PrepareConfig.load(a));
    }

    @BeforeAll
    void prepareOnce(@TempDir Path tmp) throws Exception {
        dir = tmp;
        spark = SparkTestSession.get();
        pkg = TestPackages.generate(dir.resolve("pkg"), "muse2020");
        out = dir.resolve("prepared");
        result = prepare(out);
        for (Row r : table("stats").collectAsList()) {
            stats.put(r.getString(0) + "/" + r.getInt(1), new float[]{r.getFloat(3), r.getFloat(4)});
        }
    }

    /** The train window count the prepared data set at {@code dir} records. */
    private static long windowsIn(Path dir) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("_museflow.json").toFile())
                .path("windows").asLong();
    }

    private Dataset<Row> table(String name) {
        return spark.read().parquet(out.resolve(name).toString());
    }

    private FeatureSeries csv(String relative) throws Exception {
        return FeatureCsvReader.read(new StringReader(Files.readString(pkg.resolve(relative))), relative);
    }

    /** The stored (mean, std) of one column of a set. */
    private float[] stat(String set, int column) {
        return stats.get(set + "/" + column);
    }

    private String trainVideo() {
        return table("labels").where("partition = 'train'").orderBy("video").first().getString(0);
    }

    @Test
    void labelsCoverEveryVideoAndTestLabelsAreEmpty() {
        Dataset<Row> labels = table("labels");
        assertEquals(result.frames(), labels.count());
        assertEquals(6, labels.select("video").distinct().count());
        assertEquals(0, labels.where("partition = 'test' AND arousal IS NOT NULL").count());
        assertTrue(labels.where("partition = 'test'").count() > 0);
        assertEquals(0, labels.where("partition = 'train' AND (arousal IS NULL OR valence IS NULL)").count());
        for (String set : List.of("egemaps", "vggface", "bert", "egemaps_lld")) {
            assertEquals(result.frames(), table("features/" + set).count(), set);
        }
    }

    @Test
    void joinedFramesAreTheCsvValuesStandardizedWithTrainStatistics() throws Exception {
        String video = trainVideo();
        FeatureSeries raw = csv("feature_segments/label_aligned/egemaps/" + video + ".csv");
        Map<Long, Integer> rowAt = new HashMap<>();
        for (int i = 0; i < raw.rows(); i++) {
            rowAt.put(raw.timestampsMs()[i], i);
        }
        List<Row> frames = table("features/egemaps").where("video = '" + video + "'").orderBy("frame").collectAsList();
        int checked = 0;
        for (Row f : frames) {
            Integer i = rowAt.get(f.getLong(f.fieldIndex("timestamp")));
            List<Float> values = f.getList(f.fieldIndex("values"));
            assertEquals(i != null, f.getBoolean(f.fieldIndex("valid")));
            for (int c = 0; c < raw.width(); c++) {
                float[] ms = stat("egemaps", c);
                float x = i == null ? Float.NaN : raw.values()[i * raw.width() + c];
                float expected = Float.isNaN(x) ? 0f : (x - ms[0]) / ms[1];
                assertEquals(expected, values.get(c), 1e-5f, "frame " + f.getInt(f.fieldIndex("frame")) + " col " + c);
            }
            checked++;
            if (checked == 40) {
                break;
            }
        }
        assertEquals(40, checked);
    }

    @Test
    void nativeRateFramesAreWindowMeansOfTheTenMillisecondRows() throws Exception {
        String video = trainVideo();
        FeatureSeries raw = csv("feature_segments/unaligned/egemaps_lld/" + video + ".csv");
        List<Row> frames = table("features/egemaps_lld").where("video = '" + video + "' AND frame < 30")
                .orderBy("frame").collectAsList();
        for (Row f : frames) {
            long t = f.getLong(f.fieldIndex("timestamp"));
            List<Float> values = f.getList(f.fieldIndex("values"));
            for (int c = 0; c < raw.width(); c++) {
                double sum = 0;
                int n = 0;
                for (int i = 0; i < raw.rows(); i++) {
                    long ts = raw.timestampsMs()[i];
                    float x = raw.values()[i * raw.width() + c];
                    if (ts >= t - 125 && ts < t + 125 && !Float.isNaN(x)) {
                        sum += x;
                        n++;
                    }
                }
                float[] ms = stat("egemaps_lld", c);
                assertTrue(n >= 12, "a 250 ms window holds 12 or 13 rows of 10 ms, got " + n);
                assertEquals((float) ((sum / n - ms[0]) / ms[1]), values.get(c), 1e-4f);
            }
        }
    }

    @Test
    void trainFeaturesAreStandardizedAndMissingFramesAreZero() {
        for (String set : List.of("egemaps", "vggface", "bert", "egemaps_lld")) {
            List<Row> rows = table("features/" + set).where("partition = 'train'").collectAsList();
            int d = rows.get(0).getList(rows.get(0).fieldIndex("values")).size();
            double[] sum = new double[d];
            double[] sq = new double[d];
            int n = 0;
            for (Row r : rows) {
                List<Float> v = r.getList(r.fieldIndex("values"));
                if (!r.getBoolean(r.fieldIndex("valid"))) {
                    v.forEach(x -> assertEquals(0f, x));
                    continue;
                }
                n++;
                for (int c = 0; c < d; c++) {
                    sum[c] += v.get(c);
                    sq[c] += v.get(c) * v.get(c);
                }
            }
            for (int c = 0; c < d; c++) {
                // NaN cells become 0 after standardization, so mean stays 0 and var slightly below 1.
                assertEquals(0, sum[c] / n, 1e-4, set + " mean of column " + c);
                assertEquals(1, sq[c] / n, 0.01, set + " variance of column " + c);
            }
        }
        assertTrue(table("features/vggface").where("NOT valid").count() > 0, "absent video rows are masked");
        assertEquals(2 * 6, table("features/bert").where("NOT valid AND frame < 2").count(),
                "text starts at 500 ms: frames at 0 and 250 ms are missing in every video");
    }

    /**
     * Windows are cut by each trial from the whole train videos (TrialJobTest checks them against
     * these tables' frames); prepare records how many there are and writes no window tables.
     */
    @Test
    void trainWindowCountIsRecordedAndNoWindowTablesAreWritten() throws Exception {
        long expected = 0;
        for (Row r : table("labels").where("partition = 'train'").groupBy("video").count().collectAsList()) {
            long t = r.getLong(1);
            expected += t <= 200 ? 1 : (t - 200 + 99) / 100 + 1;
        }
        assertEquals(expected, result.windows());
        var m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("_museflow.json").toFile());
        assertEquals(expected, m.path("windows").asLong());
        assertEquals(200, m.path("window_size").asInt());
        assertEquals(100, m.path("window_hop").asInt());
        assertFalse(Files.exists(out.resolve("windows")) || Files.exists(out.resolve("window_features")));
    }

    @Test
    void qualityTableCountsMissingAndNaN() {
        Dataset<Row> q = table("quality");
        assertEquals(6 * 4, q.count());
        Row bert = q.where("feature_set = 'bert'").orderBy("video").first();
        assertTrue(bert.getInt(bert.fieldIndex("missing_frames")) >= 2);
        assertTrue(q.where("feature_set = 'egemaps_lld' AND unused_rows > 0").count() > 0,
                "native rows in cut stretches belong to no label frame");
        assertTrue(q.where("coverage < 0 OR coverage > 1").isEmpty());
        assertEquals(0, q.where("partition = 'test' AND labelled_frames > 0").count());
    }

    @Test
    void rerunIsANoOpAndADifferentRunIsRefusedUnlessOverwriting() throws Exception {
        Path other = dir.resolve("other");
        PrepareJob.Result first = prepare(other, "window.size=100", "window.hop=50");
        assertFalse(first.skipped());
        PrepareJob.Result again = prepare(other, "window.size=100", "window.hop=50");
        assertTrue(again.skipped());
        assertEquals(first.dataFingerprint(), again.dataFingerprint());
        assertEquals(result.dataFingerprint(), first.dataFingerprint(), "same input files, same fingerprint");

        String m = assertThrows(InputDataException.class, () -> prepare(other)).getMessage();
        assertTrue(m.contains("already holds a different prepare run"), m);
        assertTrue(m.contains("museflow.prepare.overwrite = true"), m);
        assertEquals(first.windows(), windowsIn(other));

        PrepareJob.Result replaced = prepare(other, "overwrite=true", "standardize.sets.bert=false");
        assertFalse(replaced.skipped());
        assertEquals(result.windows(), windowsIn(other));
        assertEquals(List.of(), TestPackages.leftovers(dir));

        // With standardization off, bert values are the CSV's.
        Row f = spark.read().parquet(other.resolve("features/bert").toString()).where("valid").orderBy("video", "frame").first();
        FeatureSeries raw = csv("feature_segments/label_aligned/bert/" + f.getString(f.fieldIndex("video")) + ".csv");
        int i = java.util.Arrays.binarySearch(raw.timestampsMs(), f.getLong(f.fieldIndex("timestamp")));
        float[] want = java.util.Arrays.copyOfRange(raw.values(), i * 6, i * 6 + 6);
        float[] got = new float[6];
        for (int c = 0; c < 6; c++) {
            got[c] = f.<Float>getList(f.fieldIndex("values")).get(c);
            want[c] = Float.isNaN(want[c]) ? 0f : want[c];
        }
        assertArrayEquals(want, got);
    }

    @Test
    void manifestRecordsProvenance() throws Exception {
        var m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("_museflow.json").toFile());
        assertEquals("prepare", m.path("kind").asText());
        assertEquals(64, m.path("data_fingerprint").asText().length());
        assertEquals("muse2020", m.path("layout").asText());
        assertEquals(4, m.path("feature_sets").size());
        assertTrue(m.path("config").asText().contains("\"window\""));
        assertFalse(m.path("code_version").asText().isEmpty());
        assertNull(TestPackages.leftovers(dir).stream().findFirst().orElse(null));
    }
}
