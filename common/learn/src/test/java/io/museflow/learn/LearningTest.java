package io.museflow.learn;

import io.museflow.learn.model.LossKind;
import io.museflow.learn.model.SunModel;
import io.museflow.learn.model.SunSpec;
import io.museflow.learn.train.Plateau;
import io.museflow.learn.train.TrainConfig;
import io.museflow.learn.train.Trainer;
import io.museflow.synth.TinyPackage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** On generated MuSe data the models really learn (small sizes; BENCHMARKS.md has full-size runs). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LearningTest {
    MuseSequences audioArousal;

    @BeforeAll
    void generate(@TempDir Path dir) throws Exception {
        Path pkg = dir.resolve("pkg");
        TinyPackage.write(pkg, "muse2020", 17, "videos=10", "minutes.min=2", "minutes.max=3", "label-hidden=0.8");
        audioArousal = MuseSequences.load(pkg, "egemaps", "arousal");
    }

    private double train(LossKind loss, long seed) {
        var net = SunModel.build(new SunSpec(5, 1, 16, 2, 1, 1, 16, 0.0, loss), seed, 0.005, DataType.FLOAT);
        Trainer.Result r = Trainer.fit(net, audioArousal.trainWindows(), audioArousal.devel(),
                new TrainConfig(12, 0.005, 8, 5, 1e-5, 6, seed, Plateau.TRAIN_LOSS, TrainConfig.DEFAULT_MICRO_BATCH), e -> System.out.printf(
                        "%s epoch %d loss %.4f devel CCC %.4f (%.1f s)%n", loss, e.epoch(), e.trainLoss(),
                        e.develCcc()[0], e.seconds()));
        return r.bestMeanCcc();
    }

    /**
     * The package has a label component no feature carries (label-hidden), as real annotations do.
     * MSE then predicts E[y|x], whose variance is only R²·var(y), which CCC penalizes; a model trained
     * on 1 − CCC rescales its predictions. Training is deterministic per seed on CPU.
     */
    @Test
    void attentionBiLstmLearnsArousalAndCccTrainingBeatsMseOnCcc() {
        for (long seed : new long[]{1, 2}) {
            double ccc = train(LossKind.CCC, seed);
            double mse = train(LossKind.MSE, seed);
            System.out.printf("seed %d devel CCC: trained with CCC %.4f, with MSE %.4f%n", seed, ccc, mse);
            assertTrue(ccc > 0.4, "seed " + seed + ": devel CCC " + ccc + " shows no learning");
            assertTrue(ccc > mse, "seed " + seed + ": CCC-trained " + ccc + " vs MSE-trained " + mse);
        }
    }
}
