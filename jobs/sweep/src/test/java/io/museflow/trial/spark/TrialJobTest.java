package io.museflow.trial.spark;

import io.museflow.prepare.spark.PrepareJob;
import io.museflow.prepare.spark.SparkTestSession;
import io.museflow.prepare.spark.TestPackages;
import io.museflow.prepared.PreparedData;
import io.museflow.trial.TrialData;
import io.museflow.config.PrepareConfig;
import io.museflow.data.InputDataException;
import io.museflow.learn.TrialSpec;
import io.museflow.learn.train.Trainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generate → prepare → one trial, in local Spark. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrialJobTest {
    Path dir;
    Path prepared;

    @BeforeAll
    void prepare(@TempDir Path tmp) throws Exception {
        dir = tmp;
        Path pkg = TestPackages.generate(tmp.resolve("pkg"), "muse2020", "minutes.min=1.5", "minutes.max=2");
        prepared = tmp.resolve("prepared");
        PrepareJob.run(SparkTestSession.get(), PrepareConfig.load(List.of("input=" + pkg, "output=" + prepared,
                "window.size=100", "window.hop=50")));
    }

    private Trainer.Result trial(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("data=" + prepared, "hidden=8", "width=8", "heads=2", "max-epochs=4",
                "batch-size=8", "learning-rate=0.01"));
        a.addAll(List.of(args));
        return TrialJob.run(SparkTestSession.get(), TrialSpec.load(a));
    }

    @Test
    void trainsOnPreparedDataWithEarlyFusionAndSavesTheBestModel() throws Exception {
        Path out = dir.resolve("trial-out");
        Trainer.Result r = trial("feature-sets=[egemaps, egemaps_lld]", "targets=[arousal, valence]",
                "output=" + out);
        assertEquals(4, r.epochsRun());
        assertEquals(2, r.bestDevelCcc().length);
        assertTrue(r.bestDevelCcc()[0] > 0.2, "audio carries arousal: devel CCC " + r.bestDevelCcc()[0]);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(out.resolve("model.zip").toFile());
        assertEquals(5 + 3, back.layerInputSize(0), "early fusion concatenates both sets' columns");
        String provenance = Files.readString(out.resolve("trial.json"));
        assertTrue(provenance.contains("\"data_fingerprint\"") && provenance.contains("\"feature-sets\""), provenance);

        // Predictions for every frame, target and partition, train included; they reproduce the devel CCC.
        var predictions = SparkTestSession.get().read().parquet(out.resolve("predictions.parquet").toString());
        var labels = SparkTestSession.get().read().parquet(prepared.resolve("labels").toString());
        assertEquals(2 * labels.count(), predictions.count());
        assertEquals(3, predictions.select("partition").distinct().count());
        assertEquals(0, predictions.where("partition = 'test' AND label IS NOT NULL").count());
        var arousal = predictions.where("target = 'arousal'");
        io.museflow.metrics.Scores.Builder devel = new io.museflow.metrics.Scores.Builder();
        for (var v : arousal.where("partition = 'devel'").select("video").distinct().collectAsList()) {
            var rows = arousal.where("video = '" + v.getString(0) + "'").orderBy("frame").collectAsList();
            float[] p = new float[rows.size()];
            float[] y = new float[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                p[i] = rows.get(i).getFloat(rows.get(i).fieldIndex("prediction"));
                y[i] = rows.get(i).isNullAt(rows.get(i).fieldIndex("label")) ? Float.NaN
                        : rows.get(i).getFloat(rows.get(i).fieldIndex("label"));
            }
            devel.add(v.getString(0), p, y, null);
        }
        assertEquals(4, SparkTestSession.get().read().parquet(out.resolve("epochs.parquet").toString()).count());
        assertEquals(r.bestDevelCcc()[0], devel.build().ccc(), 1e-5, "the saved predictions are the best model's");
    }

    @Test
    void stackedModelRunsToo() throws Exception {
        Trainer.Result r = trial("model=stacked", "layers=2", "cell=lstm", "max-epochs=2", "loss=mse");
        assertEquals(2, r.epochsRun());
    }

    @Test
    void clearErrors() {
        String m = assertThrows(InputDataException.class, () -> trial("data=" + dir.resolve("nothing"))).getMessage();
        assertTrue(m.contains("is not a prepared data set"), m);
        m = assertThrows(InputDataException.class, () -> trial("feature-sets=[deepspectrum]")).getMessage();
        assertTrue(m.contains("'deepspectrum' is not in") && m.contains("egemaps"), m);
        m = assertThrows(io.museflow.config.ConfigError.class, () -> trial("targets=[dominance]")).getMessage();
        assertTrue(m.startsWith("museflow.trial.targets"), m);
    }

    @Test
    void reconstructionErrorAndSegmentIdBecomeInputColumns() throws Exception {
        Path out = dir.resolve("trial-re");
        Trainer.Result r = trial("model=stacked", "layers=1", "feature-sets=[egemaps, \"re:egemaps\"]", "segment-id=true",
                "re-epochs=2", "max-epochs=2", "output=" + out);
        assertEquals(2, r.epochsRun());
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(out.resolve("model.zip").toFile());
        assertEquals(5 + 1 + 1, back.layerInputSize(0), "egemaps, its RE, the segment id");
        String m = assertThrows(io.museflow.config.ConfigError.class, () -> trial("feature-sets=[egemaps, re egemaps]"))
                .getMessage();
        assertTrue(m.contains("re:<feature set>"), m);
    }

    /**
     * The windows a trial cuts from whole train videos (window.size 100, hop 50 here) are the
     * prepared frames, value for value: window k of a video starts at frame 50·k, holds up to 100
     * frames, and the last one ends at the video's end; their number is the manifest's.
     */
    @Test
    void trialWindowsAreCutFromThePreparedFrames() throws Exception {
        TrialSpec spec = TrialSpec.load(List.of("data=" + prepared, "feature-sets=[vggface]", "targets=[valence]"));
        TrialData data = TrialData.load(PreparedData.open(prepared.toString(),
                SparkTestSession.get().sparkContext().hadoopConfiguration()), spec, m -> { });
        var spark = SparkTestSession.get();
        var frames = spark.read().parquet(prepared.resolve("features/vggface").toString()).where("partition = 'train'")
                .join(spark.read().parquet(prepared.resolve("labels").toString()),
                        scala.collection.JavaConverters.asScalaBuffer(List.of("video", "frame", "partition")).toSeq())
                .orderBy("video", "frame").collectAsList();
        java.util.Map<String, List<org.apache.spark.sql.Row>> byVideo = new java.util.TreeMap<>();
        frames.forEach(r -> byVideo.computeIfAbsent(r.getString(r.fieldIndex("video")), k -> new ArrayList<>()).add(r));
        int i = 0;
        for (var e : byVideo.entrySet()) {
            int n = e.getValue().size();
            int count = n <= 100 ? 1 : (n - 100 + 49) / 50 + 1;
            for (int k = 0; k < count; k++, i++) {
                io.museflow.learn.train.Sequence w = data.trainWindows().get(i);
                int start = k * 50;
                int length = Math.min(100, n - start);
                assertEquals(e.getKey() + "#" + k, w.id());
                assertEquals(length, w.frames());
                for (int t = 0; t < length; t++) {
                    var row = e.getValue().get(start + t);
                    float valence = row.isNullAt(row.fieldIndex("valence")) ? Float.NaN
                            : row.getFloat(row.fieldIndex("valence"));
                    assertEquals(valence, w.labels()[t], 0f);
                    List<Float> values = row.getList(row.fieldIndex("values"));
                    for (int c = 0; c < 4; c++) {
                        assertEquals(values.get(c), w.features()[t * 4 + c], 0f);
                    }
                }
            }
        }
        assertEquals(i, data.trainWindows().size());
        assertEquals(i, new com.fasterxml.jackson.databind.ObjectMapper().readTree(prepared.resolve("_museflow.json")
                .toFile()).path("windows").asLong());
    }

    /** A .npy file's shape and values (float32 or int32, little-endian, c order), read independently of NpyFiles. */
    private static java.util.Map.Entry<int[], float[]> npy(Path file) throws Exception {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x93, b.get() & 0xff);
        assertEquals("NUMPY", new String(new byte[]{b.get(), b.get(), b.get(), b.get(), b.get()}));
        b.get();
        b.get();
        int headerLength = b.getShort() & 0xffff;
        assertEquals(0, (10 + headerLength) % 64, "data starts 64-byte aligned");
        byte[] h = new byte[headerLength];
        b.get(h);
        String header = new String(h, java.nio.charset.StandardCharsets.US_ASCII);
        String shape = header.replaceAll("(?s).*'shape': \\(([^)]*)\\).*", "$1");
        int[] dims = java.util.Arrays.stream(shape.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        boolean floats = header.contains("'<f4'");
        float[] v = new float[b.remaining() / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = floats ? b.getFloat() : b.getInt();
        }
        return java.util.Map.entry(dims, v);
    }

    /** The export for a twin in another framework holds exactly the sequences the trial trains and selects on. */
    @Test
    void exportWritesTheTrialsArraysAsNumpyFiles() throws Exception {
        TrialSpec spec = TrialSpec.load(List.of("data=" + prepared, "feature-sets=[vggface]", "targets=[arousal, valence]",
                "segment-id=true"));
        TrialData data = TrialData.load(PreparedData.open(prepared.toString(),
                SparkTestSession.get().sparkContext().hadoopConfiguration()), spec, m -> { });
        Path out = dir.resolve("export");
        TrialExport.run(SparkTestSession.get(), spec, out);
        var x = npy(out.resolve("train_x.npy"));
        var y = npy(out.resolve("train_y.npy"));
        var len = npy(out.resolve("train_len.npy"));
        int n = data.trainWindows().size();
        int steps = x.getKey()[1];
        assertEquals(List.of(n, 100, 5), java.util.Arrays.stream(x.getKey()).boxed().toList(), "4 columns + segment id");
        assertEquals(List.of(n, 100, 2), java.util.Arrays.stream(y.getKey()).boxed().toList());
        for (int w = 0; w < n; w++) {
            io.museflow.learn.train.Sequence s = data.trainWindows().get(w);
            assertEquals(s.frames(), (int) len.getValue()[w]);
            for (int t = 0; t < steps; t++) {
                for (int c = 0; c < 5; c++) {
                    assertEquals(t < s.frames() ? s.features()[t * 5 + c] : 0f, x.getValue()[(w * steps + t) * 5 + c]);
                }
                for (int c = 0; c < 2; c++) {
                    float expected = t < s.frames() ? s.labels()[t * 2 + c] : Float.NaN;
                    assertEquals(expected, y.getValue()[(w * steps + t) * 2 + c], 0f);
                }
            }
        }
        var dx = npy(out.resolve("devel_x.npy"));
        var dlen = npy(out.resolve("devel_len.npy"));
        assertEquals(data.devel().size(), dlen.getKey()[0]);
        int at = 0;
        for (int v = 0; v < data.devel().size(); v++) {
            io.museflow.learn.train.Sequence s = data.devel().get(v);
            assertEquals(s.frames(), (int) dlen.getValue()[v]);
            for (int i = 0; i < s.features().length; i++) {
                assertEquals(s.features()[i], dx.getValue()[at * 5 + i]);
            }
            at += s.frames();
        }
        assertEquals(at, dx.getKey()[0]);
        String json = Files.readString(out.resolve("trial.json"));
        assertTrue(json.contains("\"ccc_reduction\" : \"both\"") && json.contains("\"inputs\" : 5"), json);
        TrialExport.run(SparkTestSession.get(), spec, out); // an earlier export is replaced
        Files.writeString(dir.resolve("not-an-export"), "x");
        assertThrows(InputDataException.class, () -> TrialExport.run(SparkTestSession.get(), spec,
                dir.resolve("not-an-export")));
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().startsWith(".export.tmp")),
                "no temporary folder left behind");
    }
}
