package io.museflow.learn;

import io.museflow.config.ConfigError;
import io.museflow.config.Settings;
import io.museflow.data.Target;
import io.museflow.learn.layers.InitScheme;
import io.museflow.learn.loss.CccReduction;
import io.museflow.learn.model.LossKind;
import io.museflow.learn.model.ModelKind;
import io.museflow.learn.model.NetworkOptions;
import io.museflow.learn.model.TrialModel;
import io.museflow.learn.rnn.CellType;
import io.museflow.learn.train.Plateau;
import io.museflow.learn.train.TrainConfig;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One trial's resolved configuration ({@code museflow.trial}): data, model, training. {@code model}
 * is the body of its family ({@link TrialModel.Sun} or {@link TrialModel.Stacked}); {@code reBody}
 * is the stacked body of its reconstruction-error auto-encoders (the model itself for a stacked
 * trial, the configured {@code layers}, {@code cell}, {@code bidirectional} for a Sun trial).
 * {@code microBatch} decides how a step is computed, not what it computes, so it is not part of a
 * trial's identity ({@link #canonical()}).
 */
public record TrialSpec(String data, List<String> featureSets, List<Target> targets, TrialModel model,
                        TrialModel.Stacked reBody, int hidden, double dropout, LossKind loss, double learningRate,
                        int batchSize, int microBatch, int maxEpochs, long seed, boolean segmentId, int reEpochs, int reHidden, NetworkOptions options,
                        Plateau plateau, String output, String rendered)
        implements java.io.Serializable {

    public static final String SECTION = "museflow.trial";
    /** Prefix of a feature-set token that means "the reconstruction error of this set", one column. */
    public static final String RE = "re:";
    /** The attention settings of {@code reference.conf}, which a stacked trial's id has always included. */
    private static final TrialModel.Sun SUN_DEFAULTS = sunDefaults();

    public static TrialSpec from(Settings s) {
        List<String> targetKeys = s.strings("targets");
        List<String> known = Arrays.stream(Target.values()).map(Target::key).toList();
        if (targetKeys.isEmpty() || !known.containsAll(targetKeys)
                || targetKeys.stream().distinct().count() != targetKeys.size()) {
            throw new ConfigError(s.key("targets") + ": " + targetKeys + " must be arousal, valence or both");
        }
        List<Target> targets = targetKeys.stream().map(Target::of).toList();
        List<String> sets = s.strings("feature-sets");
        if (sets.isEmpty()) {
            throw new ConfigError(s.key("feature-sets") + ": needs at least one feature set");
        }
        for (String set : sets) {
            if (!set.matches("(re:)?[A-Za-z0-9_\\-]+")) {
                throw new ConfigError(s.key("feature-sets") + ": '" + set + "' is neither a feature set name nor "
                        + "re:<feature set> (the reconstruction error of that set)");
            }
        }
        if (sets.stream().distinct().count() != sets.size()) {
            throw new ConfigError(s.key("feature-sets") + ": " + sets + " lists a set twice");
        }
        TrialModel.Sun sun = new TrialModel.Sun((int) s.integer("width", 1, 4096), (int) s.integer("heads", 1, 64),
                (int) s.integer("attention-layers", 0, 4), (int) s.integer("lstm-layers", 0, 4));
        TrialModel.Stacked stacked = new TrialModel.Stacked((int) s.integer("layers", 1, 4),
                CellType.valueOf(s.choice("cell", "gru", "lstm").toUpperCase(Locale.ROOT)), s.bool("bidirectional"));
        TrialModel model = ModelKind.of(s.choice("model", "sun", "stacked")) == ModelKind.SUN ? sun : stacked;
        return new TrialSpec(s.string("data"), sets, targets, model, stacked, (int) s.integer("hidden", 1, 4096),
                s.number("dropout", 0, 0.95),
                LossKind.valueOf(s.choice("loss", "ccc", "mse", "l1").toUpperCase(Locale.ROOT)),
                s.number("learning-rate", 1e-7, TrainConfig.MAX_LEARNING_RATE), (int) s.integer("batch-size", 1, 65536),
                (int) s.integer("micro-batch", 1, 65536), (int) s.integer("max-epochs", 1, 10000), s.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE),
                s.bool("segment-id"), (int) s.integer("re-epochs", 1, 10000), (int) s.integer("re-hidden", 0, 4096),
                new NetworkOptions(CccReduction.valueOf(s.choice("ccc-reduction", "sequence", "batch", "both").toUpperCase(Locale.ROOT)),
                        (int) s.integer("head", 0, 4096), s.bool("projection-bias"),
                        InitScheme.valueOf(s.choice("init", "torch", "xavier").toUpperCase(Locale.ROOT))),
                Plateau.valueOf(s.choice("plateau", "devel-ccc", "train-loss").replace('-', '_').toUpperCase(Locale.ROOT)),
                s.raw().getString("output"), s.render());
    }

    private static TrialModel.Sun sunDefaults() {
        com.typesafe.config.Config d = com.typesafe.config.ConfigFactory.defaultReference().getConfig(SECTION);
        return new TrialModel.Sun(d.getInt("width"), d.getInt("heads"), d.getInt("attention-layers"),
                d.getInt("lstm-layers"));
    }

    /** The model family. */
    public ModelKind kind() {
        return model.kind();
    }

    public static TrialSpec load(List<String> args) {
        return from(Settings.load(SECTION, args));
    }

    /** The network for {@code inputs} feature columns, with Adam at the configured rate. */
    public MultiLayerNetwork network(int inputs) {
        try {
            return model.build(inputs, targets.size(), hidden, dropout, loss, options, seed, learningRate);
        } catch (IllegalArgumentException e) {
            throw new ConfigError(SECTION + ": " + e.getMessage());
        }
    }

    /**
     * Everything that decides what this trial trains, in a fixed order (not where its data lives or
     * where it is saved): two trials with equal canonical forms train the same network.
     */
    public String canonical() {
        return canonical(true);
    }

    /** {@link #canonical()}, with or without the seed (the group of trials that differ only in their seed). */
    private String canonical(boolean withSeed) {
        // A stacked trial has no attention settings; its id keeps the defaults it always hashed.
        TrialModel.Sun sun = model instanceof TrialModel.Sun s ? s : SUN_DEFAULTS;
        List<String> parts = new java.util.ArrayList<>(List.of("feature-sets=" + String.join("+", featureSets),
                "targets=" + targetsKey(), "model=" + kind(), "width=" + sun.width(), "heads=" + sun.heads(),
                "attention-layers=" + sun.attentionLayers(), "lstm-layers=" + sun.lstmLayers(),
                "layers=" + reBody.layers(), "cell=" + reBody.cell(), "bidirectional=" + reBody.bidirectional(),
                "hidden=" + hidden, "dropout=" + dropout, "loss=" + loss,
                "learning-rate=" + learningRate, "batch-size=" + batchSize, "max-epochs=" + maxEpochs));
        if (withSeed) {
            parts.add("seed=" + seed);
        }
        parts.addAll(List.of("segment-id=" + segmentId,
                "re-epochs=" + (featureSets.stream().anyMatch(f -> f.startsWith(RE)) ? reEpochs + "/" + reHidden : 0),
                "ccc-reduction=" + (loss == LossKind.CCC ? options.cccReduction() : "-"), "head=" + options.head(),
                "projection-bias=" + (kind() == ModelKind.SUN ? options.projectionBias() : "-"), "init=" + options.init(),
                "plateau=" + plateau));
        return String.join("|", parts);
    }

    /** The same trial reading its data from {@code data} (another name of the same folder: ids do not change). */
    public TrialSpec withData(String data) {
        return new TrialSpec(data, featureSets, targets, model, reBody, hidden, dropout, loss, learningRate, batchSize,
                microBatch, maxEpochs, seed, segmentId, reEpochs, reHidden, options, plateau, output, rendered);
    }

    /** Stable id of this trial on one data set: a hash of {@link #canonical()} and the data fingerprint. */
    public String id(String dataFingerprint) {
        return hash(canonical() + "\n" + dataFingerprint);
    }

    /** Id shared by the trials that differ from this one only in their seed (the seeds summary's group). */
    public String groupId(String dataFingerprint) {
        return hash(canonical(false) + "\n" + dataFingerprint);
    }

    /** The 16-hex-digit ids of trials (late-fusion trials too): the start of a SHA-256 of {@code text}. */
    public static String hash(String text) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A short human-readable name: what a progress line or the Spark UI shows. */
    public String name() {
        String body = model instanceof TrialModel.Sun s
                ? String.format("sun w%d %dh x%d lstm%d", s.width(), s.heads(), s.attentionLayers(), s.lstmLayers())
                : String.format("%dx%s%s", reBody.layers(), reBody.bidirectional() ? "Bi" : "", reBody.cell());
        return String.format("%s>%s %s hid%d do%s lr%s bs%d %s%s seed%d", String.join("+", featureSets),
                targetsKey(), body, hidden, trim(dropout), trim(learningRate), batchSize,
                loss.name().toLowerCase(Locale.ROOT), segmentId ? " seg" : "", seed);
    }

    /** The targets as configuration and tables name them: {@code arousal}, {@code valence}, {@code arousal+valence}. */
    public String targetsKey() {
        return String.join("+", targets.stream().map(Target::key).toList());
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** Feature sets whose standardized columns are inputs, in input order (RE tokens excluded). */
    public List<String> plainSets() {
        return featureSets.stream().filter(f -> !f.startsWith(RE)).toList();
    }

    /** Every prepared feature set this trial reads: its plain sets and the sets behind its RE inputs. */
    public List<String> setsRead() {
        return featureSets.stream().map(f -> f.startsWith(RE) ? f.substring(RE.length()) : f).distinct().toList();
    }

    /** The auto-encoder behind an {@code re:<set>} input: the stacked body of this trial, reconstructing its input. */
    public MultiLayerNetwork autoEncoder(int width) {
        return reBody.autoEncoder(width, reHidden > 0 ? reHidden : hidden, seed, learningRate);
    }

    public TrainConfig autoEncoderTraining() {
        return TrainConfig.papers(learningRate, batchSize, seed).withMaxEpochs(reEpochs).withMicroBatch(microBatch);
    }

    public TrainConfig training() {
        return TrainConfig.papers(learningRate, batchSize, seed).withMaxEpochs(maxEpochs).withPlateau(plateau)
                .withMicroBatch(microBatch);
    }
}
