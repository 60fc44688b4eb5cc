package io.museflow.jobs;

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

        // Predictions for every frame of every partition, train included; they reproduce the devel CCC.
        var predictions = SparkTestSession.get().read().parquet(out.resolve("predictions").toString());
        var labels = SparkTestSession.get().read().parquet(prepared.resolve("labels").toString());
        assertEquals(labels.count(), predictions.count());
        assertEquals(3, predictions.select("partition").distinct().count());
        assertEquals(0, predictions.where("partition = 'test' AND label_arousal IS NOT NULL").count());
        io.museflow.metrics.Scores.Builder devel = new io.museflow.metrics.Scores.Builder();
        for (var v : predictions.where("partition = 'devel'").select("video").distinct().collectAsList()) {
            var rows = predictions.where("video = '" + v.getString(0) + "'").orderBy("frame").collectAsList();
            float[] p = new float[rows.size()];
            float[] y = new float[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                p[i] = rows.get(i).getFloat(rows.get(i).fieldIndex("prediction_arousal"));
                y[i] = rows.get(i).getFloat(rows.get(i).fieldIndex("label_arousal"));
            }
            devel.add(v.getString(0), p, y, null);
        }
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
}
