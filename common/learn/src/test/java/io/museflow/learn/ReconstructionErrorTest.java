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
import io.museflow.synth.SyntheticMuse;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hamieh et al.'s difficulty indicator on generated data whose audio has corrupted stretches:
 * an audio auto-encoder, its reconstruction error (RE) as an input column of the unimodal
 * regressor, and late fusion of audio and video predictions with and without the audio RE.
 */
class ReconstructionErrorTest {
    private static MultiLayerNetwork autoEncoder(MuseSequences audio, int width, boolean bidirectional, int hidden) {
        MultiLayerNetwork ae = ReconstructionError.autoEncoder(width, 1, CellType.GRU, bidirectional, hidden, 1, 0.01);
        Trainer.fit(ae, ReconstructionError.reconstructionTargets(audio.trainWindows()),
                ReconstructionError.reconstructionTargets(audio.devel()), new TrainConfig(8, 0.01, 8, 5, 1e-5, 8, 1, Plateau.TRAIN_LOSS, TrainConfig.DEFAULT_MICRO_BATCH),
                e -> { });
        return ae;
    }

    /**
     * RE against the generator's ground truth: audio whose corrupted stretches hold noise at each
     * column's usual spread (invisible in the values' size), and the frames the generator corrupted.
     * A trained auto-encoder's RE ranks corrupted devel frames above clean ones (area under the ROC
     * curve); an untrained one, the control, must fail the same check, as would any rule that
     * looks only at how large the values are.
     */
    @Test
    void reFindsTheFramesTheGeneratorCorruptedAndAnUntrainedAutoEncoderDoesNot(@TempDir Path dir) throws Exception {
        Path pkg = dir.resolve("pkg");
        SyntheticMuse muse = TinyPackage.write(pkg, "muse2020", 29, "videos=12", "minutes.min=2", "minutes.max=3",
                "audio-corruption=10", "audio-corruption-kind=plausible", "label-hidden=0.5",
                "feature-sets=[{name=egemaps,modality=audio,width=12},{name=vggface,modality=video,width=4}]");
        MuseSequences audio = MuseSequences.load(pkg, "egemaps", "arousal");
        MultiLayerNetwork trained = autoEncoder(audio, 12, false, 3);
        MultiLayerNetwork untrained = ReconstructionError.autoEncoder(12, 1, CellType.GRU, false, 3, 1, 0.01);
        List<Float> reTrained = new ArrayList<>();
        List<Float> reUntrained = new ArrayList<>();
        List<Float> meanSquare = new ArrayList<>();
        List<Boolean> corrupted = new ArrayList<>();
        for (Sequence s : audio.devel()) {
            java.util.Set<Long> truth = muse.corruptedTimestamps("egemaps", Integer.parseInt(s.id()) - 1);
            long[] ts = audio.timestamps().get(s.id());
            float[] a = ReconstructionError.of(trained, s);
            float[] b = ReconstructionError.of(untrained, s);
            for (int t = 0; t < s.frames(); t++) {
                reTrained.add(a[t]);
                reUntrained.add(b[t]);
                double sq = 0;
                for (int c = 0; c < 12; c++) {
                    sq += s.features()[t * 12 + c] * s.features()[t * 12 + c];
                }
                meanSquare.add((float) (sq / 12));
                corrupted.add(truth.contains(ts[t]));
            }
        }
        long n = corrupted.stream().filter(x -> x).count();
        assertTrue(n > 50 && n < corrupted.size() / 2, "devel has corrupted stretches: " + n + " of " + corrupted.size());
        double aucTrained = auc(reTrained, corrupted);
        double aucUntrained = auc(reUntrained, corrupted);
        double aucMagnitude = auc(meanSquare, corrupted);
        System.out.printf("AUC of corrupted vs clean devel frames: trained RE %.3f, untrained RE %.3f, mean square %.3f%n",
                aucTrained, aucUntrained, aucMagnitude);
        // The check: AUC >= 0.8. The trained RE passes it; the controls fail it (measured: 0.87 against
        // 0.64 and 0.68; before the generator's plausible corruption matched each column's clean
        // moments, the size alone gave 0.95 and the untrained auto-encoder 0.92).
        double check = 0.8;
        assertTrue(aucTrained >= check, "the trained auto-encoder's RE finds the corrupted frames: AUC " + aucTrained);
        assertFalse(aucUntrained >= check, "control: an untrained auto-encoder fails the same check: AUC " + aucUntrained);
        assertFalse(aucMagnitude >= check, "control: the values' size fails it too: AUC " + aucMagnitude);

        List<Sequence> develRe = ReconstructionError.appended(trained, audio.devel());
        assertEquals(12 + 1, develRe.get(0).inputs());
        float[] first = ReconstructionError.of(trained, audio.devel().get(0));
        for (int t = 0; t < first.length; t++) {
            assertEquals(first[t], develRe.get(0).features()[t * 13 + 12], 0.0, "the appended column is the video's RE");
        }
    }

    /** Area under the ROC curve of {@code score} for {@code positive}: P(score of a positive > a negative), ties half. */
    static double auc(List<Float> score, List<Boolean> positive) {
        Integer[] order = new Integer[score.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(score::get));
        double rankSum = 0;
        long pos = 0;
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j < order.length && score.get(order[j]).equals(score.get(order[i]))) {
                j++;
            }
            double midRank = (i + 1 + j) / 2.0; // ranks i+1 .. j share their mean
            for (int k = i; k < j; k++) {
                if (positive.get(order[k])) {
                    rankSum += midRank;
                    pos++;
                }
            }
            i = j;
        }
        long neg = order.length - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    @Test
    void aucIsTheProbabilityThatAPositiveScoresHigher() {
        // Positives 0.9 and 0.4; negatives 0.1, 0.4, 0.6: pairs won 3 + (1 + 0.5 tie) of 6.
        List<Float> s = List.of(0.9f, 0.4f, 0.1f, 0.4f, 0.6f);
        List<Boolean> p = List.of(true, true, false, false, false);
        assertEquals(4.5 / 6, auc(s, p), 1e-12);
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
        Trainer.fit(net, data.trainWindows(), data.devel(), new TrainConfig(10, 0.005, 8, 5, 1e-5, 6, seed, Plateau.TRAIN_LOSS, TrainConfig.DEFAULT_MICRO_BATCH), e -> { });
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
        return Trainer.fit(net, train, devel, new TrainConfig(20, 0.005, 8, 5, 1e-5, 20, 1, Plateau.TRAIN_LOSS, TrainConfig.DEFAULT_MICRO_BATCH), e -> { }).bestMeanCcc();
    }

    private static List<String> ids(List<Sequence> sequences) {
        return sequences.stream().map(Sequence::id).toList();
    }
}
