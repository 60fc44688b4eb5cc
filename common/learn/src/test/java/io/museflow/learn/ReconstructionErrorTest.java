package io.museflow.learn;

import io.museflow.data.Windower;
import io.museflow.learn.fusion.FusionColumn;
import io.museflow.learn.fusion.LateFusion;
import io.museflow.learn.model.LossKind;
import io.museflow.learn.model.ReconstructionError;
import io.museflow.learn.model.StackedRnnModel;
import io.museflow.learn.model.StackedRnnSpec;
import io.museflow.learn.rnn.CellType;
import io.museflow.learn.train.Sequence;
import io.museflow.learn.train.Plateau;
import io.museflow.learn.train.TrainConfig;
import io.museflow.learn.train.Trainer;
import io.museflow.synth.TinyPackage;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hamieh et al.'s difficulty indicator on generated data whose audio has corrupted stretches:
 * an audio auto-encoder, its reconstruction error (RE) as an input column of the unimodal
 * regressor, and late fusion of audio and video predictions with and without the audio RE.
 */
class ReconstructionErrorTest {
    private static final int AUDIO_WIDTH = 5;

    private static MultiLayerNetwork autoEncoder(MuseSequences audio, int width, boolean bidirectional, int hidden) {
        MultiLayerNetwork ae = ReconstructionError.autoEncoder(width, 1, CellType.GRU, bidirectional, hidden, 1, 0.01);
        Trainer.fit(ae, ReconstructionError.reconstructionTargets(audio.trainWindows()),
                ReconstructionError.reconstructionTargets(audio.devel()), new TrainConfig(8, 0.01, 8, 5, 1e-5, 8, 1, Plateau.TRAIN_LOSS),
                e -> { });
        return ae;
    }

    @Test
    void reIsHighOnCorruptedAudioFramesAndAppendsAsAColumn(@TempDir Path dir) throws Exception {
        Path pkg = dir.resolve("pkg");
        TinyPackage.write(pkg, "muse2020", 23, "videos=10", "minutes.min=2", "minutes.max=3", "audio-corruption=6",
                "label-hidden=0.5");
        MuseSequences audio = MuseSequences.load(pkg, "egemaps", "arousal");
        MultiLayerNetwork autoEncoder = autoEncoder(audio, AUDIO_WIDTH, true, 8);
        List<Sequence> develRe = ReconstructionError.appended(autoEncoder, audio.devel());
        assertEquals(AUDIO_WIDTH + 1, develRe.get(0).inputs());
        // Corrupted stretches are 3-sigma noise: frames whose standardized features have a mean
        // square above 4 are (nearly all) corrupted. The auto-encoder never learned to reproduce them.
        double reCorrupt = 0;
        double reClean = 0;
        int nCorrupt = 0;
        int nClean = 0;
        int w = AUDIO_WIDTH + 1;
        for (int i = 0; i < develRe.size(); i++) {
            Sequence s = develRe.get(i);
            float[] reOfVideo = ReconstructionError.of(autoEncoder, audio.devel().get(i));
            for (int t = 0; t < s.frames(); t++) {
                double sq = 0;
                for (int c = 0; c < AUDIO_WIDTH; c++) {
                    sq += s.features()[t * w + c] * s.features()[t * w + c];
                }
                double re = s.features()[t * w + AUDIO_WIDTH];
                assertEquals(reOfVideo[t], re, 0.0, "the appended column is the video's RE");
                if (sq / AUDIO_WIDTH > 4) {
                    reCorrupt += re;
                    nCorrupt++;
                } else {
                    reClean += re;
                    nClean++;
                }
            }
        }
        assertTrue(nCorrupt > 20, "the devel videos have corrupted stretches: " + nCorrupt + " frames");
        assertTrue(reCorrupt / nCorrupt > 3 * reClean / nClean,
                "RE on corrupted frames " + reCorrupt / nCorrupt + " vs clean " + reClean / nClean);
    }

    /**
     * Audio with corrupted stretches of plausible magnitude (each column's noise at that column's
     * usual spread: nothing a regressor can see from the values' size) and video, for arousal.
     * (1) RE is a difficulty indicator: the audio regressor's devel errors are larger where RE is
     * high. (2) Appending RE as an input column improves the unimodal audio regressor, for each
     * seed tried. (3) Late fusion of the audio and video predictions, with and without the audio
     * RE, trains on the train partition's predictions and beats either modality alone on devel.
     */
    @Test
    void reMarksDifficultFramesAndHelpsTheRegressorOnCorruptedAudio(@TempDir Path dir) throws Exception {
        Path pkg = dir.resolve("pkg");
        TinyPackage.write(pkg, "muse2020", 29, "videos=12", "minutes.min=2", "minutes.max=3", "audio-corruption=10",
                "audio-corruption-kind=plausible", "label-hidden=0.5",
                "feature-sets=[{name=egemaps,modality=audio,width=12},{name=vggface,modality=video,width=4}]");
        MuseSequences audio = MuseSequences.load(pkg, "egemaps", "arousal");
        MuseSequences video = MuseSequences.load(pkg, "vggface", "arousal");
        // A narrow bottleneck: clean audio lies near a 3-dimensional manifold, the noise does not.
        MultiLayerNetwork autoEncoder = autoEncoder(audio, 12, false, 3);
        Map<String, float[]> re = new HashMap<>();
        for (Sequence s : all(audio)) {
            re.put(s.id(), ReconstructionError.of(autoEncoder, s));
        }

        MultiLayerNetwork audioNet = regressor(audio, 1);
        FusionColumn audioPrediction = predictions("audio", audioNet, audio);
        double[] error = meanErrorByRe(audio.devel(), audioPrediction, re, 0.7);
        assertTrue(error[1] > 1.2 * error[0], "devel |error| where RE is in the top 30 %: " + error[1]
                + ", elsewhere " + error[0]);

        MuseSequences audioWithRe = new MuseSequences(ReconstructionError.appended(autoEncoder, audio.trainWindows()),
                List.of(), ReconstructionError.appended(autoEncoder, audio.devel()));
        double gain = 0;
        for (long seed = 1; seed <= 2; seed++) {
            double plain = Trainer.evaluate(seed == 1 ? audioNet : regressor(audio, seed), audio.devel())[0];
            double withRe = Trainer.evaluate(regressor(audioWithRe, seed), audioWithRe.devel())[0];
            System.out.printf("audio -> arousal devel CCC, seed %d: without RE %.4f, with RE %.4f%n", seed, plain,
                    withRe);
            assertTrue(withRe > plain, "seed " + seed + ": RE helps, " + withRe + " vs " + plain);
            gain += (withRe - plain) / 2;
        }
        assertTrue(gain > 0.01, "mean gain from RE " + gain);

        MultiLayerNetwork videoNet = regressor(video, 1);
        FusionColumn videoPrediction = predictions("video", videoNet, video);
        double audioAlone = Trainer.evaluate(audioNet, audio.devel())[0];
        double videoAlone = Trainer.evaluate(videoNet, video.devel())[0];
        double fused = fuse(audio, List.of(audioPrediction, videoPrediction));
        double fusedRe = fuse(audio, List.of(audioPrediction, videoPrediction, new FusionColumn("re:egemaps", re)));
        System.out.printf("arousal devel CCC: audio %.4f, video %.4f, late fusion %.4f, late fusion + RE(audio) %.4f%n",
                audioAlone, videoAlone, fused, fusedRe);
        assertTrue(fused > Math.max(audioAlone, videoAlone) && fusedRe > Math.max(audioAlone, videoAlone),
                "late fusion beats each modality alone");
    }

    /** Mean |prediction − label| over frames with RE below / above the given quantile of RE. */
    private static double[] meanErrorByRe(List<Sequence> videos, FusionColumn prediction, Map<String, float[]> re,
                                          double quantile) {
        List<Float> values = new ArrayList<>();
        for (Sequence s : videos) {
            for (float r : re.get(s.id())) {
                values.add(r);
            }
        }
        values.sort(null);
        float threshold = values.get((int) (values.size() * quantile));
        double[] sum = new double[2];
        int[] n = new int[2];
        for (Sequence s : videos) {
            float[] p = prediction.values().get(s.id());
            float[] r = re.get(s.id());
            for (int t = 0; t < s.frames(); t++) {
                if (!Float.isNaN(s.labels()[t])) {
                    int k = r[t] > threshold ? 1 : 0;
                    sum[k] += Math.abs(p[t] - s.labels()[t]);
                    n[k]++;
                }
            }
        }
        return new double[]{sum[0] / n[0], sum[1] / n[1]};
    }

    private static MultiLayerNetwork regressor(MuseSequences data, long seed) {
        MultiLayerNetwork net = StackedRnnModel.build(new StackedRnnSpec(data.trainWindows().get(0).inputs(), 1, 1,
                CellType.GRU, true, 16, 0.0, LossKind.CCC), seed, 0.005, DataType.FLOAT);
        Trainer.fit(net, data.trainWindows(), data.devel(), new TrainConfig(10, 0.005, 8, 5, 1e-5, 6, seed, Plateau.TRAIN_LOSS), e -> { });
        return net;
    }

    private static List<Sequence> all(MuseSequences data) {
        List<Sequence> all = new ArrayList<>(data.trainVideos());
        all.addAll(data.devel());
        return all;
    }

    private static FusionColumn predictions(String name, MultiLayerNetwork net, MuseSequences data) {
        Map<String, float[]> p = new HashMap<>();
        for (Sequence s : all(data)) {
            p.put(s.id(), Trainer.predict(net, s));
        }
        return new FusionColumn(name, p);
    }

    private static double fuse(MuseSequences audio, List<FusionColumn> columns) {
        Map<String, float[]> labels = new HashMap<>();
        for (Sequence s : all(audio)) {
            labels.put(s.id(), s.labels());
        }
        List<Sequence> train = Sequence.windows(LateFusion.videos(ids(audio.trainVideos()), columns, labels, 1),
                new Windower(200, 100));
        List<Sequence> devel = LateFusion.videos(ids(audio.devel()), columns, labels, 1);
        MultiLayerNetwork net = StackedRnnModel.build(LateFusion.sun(columns.size(), 1, LossKind.CCC), 1, 0.001,
                DataType.FLOAT);
        return Trainer.fit(net, train, devel, new TrainConfig(20, 0.005, 8, 5, 1e-5, 20, 1, Plateau.TRAIN_LOSS), e -> { }).bestMeanCcc();
    }

    private static List<String> ids(List<Sequence> sequences) {
        return sequences.stream().map(Sequence::id).toList();
    }
}
