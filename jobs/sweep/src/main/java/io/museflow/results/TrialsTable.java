package io.museflow.results;

import io.museflow.data.Partition;
import io.museflow.data.Target;
import io.museflow.job.CodeVersion;
import io.museflow.learn.TrialSpec;
import io.museflow.learn.model.ModelKind;
import io.museflow.learn.model.TrialModel;
import io.museflow.metrics.Scores;
import io.museflow.metrics.VideoBootstrap;
import io.museflow.store.ParquetFiles;
import io.museflow.store.TableFormats;
import io.museflow.table.Column;
import io.museflow.table.ResultSchema;
import io.museflow.table.TableSchema;
import io.museflow.trial.TrialRun;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.List;

/**
 * The sweep's {@code trials} table: one row per trial with every hyperparameter as a column, the
 * outcome (status, error, devel and train metrics per target, epochs, seconds, where it ran) and its
 * provenance (resolved configuration, seed, data fingerprint, code version). A row is a
 * {@link TrialRow}, written as one Parquet file per trial.
 */
public final class TrialsTable {

    static final TableSchema TABLE = ResultSchema.TRIALS;
    static final MessageType SCHEMA = TableFormats.parquet(TABLE);

    private TrialsTable() {
    }

    /** The hyperparameter and provenance columns of a trial, before its outcome is known. */
    public static TrialRow describe(String id, TrialSpec t, String fingerprint) {
        TrialRow r = new TrialRow();
        r.set("trial_id", id);
        r.set("name", t.name());
        r.set("group_id", t.groupId(fingerprint));
        r.set("feature_sets", String.join("+", t.featureSets()));
        r.set("targets", t.targetsKey());
        r.set("model", t.kind().key());
        if (t.model() instanceof TrialModel.Sun sun) {
            r.set("width", sun.width());
            r.set("heads", sun.heads());
            r.set("attention_layers", sun.attentionLayers());
            r.set("lstm_layers", sun.lstmLayers());
        } else if (t.model() instanceof TrialModel.Stacked stacked) {
            r.set("layers", stacked.layers());
            r.set("cell", stacked.cell().name().toLowerCase(java.util.Locale.ROOT));
            r.set("bidirectional", stacked.bidirectional());
        }
        r.set("hidden", t.hidden());
        r.set("dropout", t.dropout());
        r.set("learning_rate", t.learningRate());
        r.set("batch_size", t.batchSize());
        r.set("loss", t.loss().name().toLowerCase(java.util.Locale.ROOT));
        r.set("segment_id", t.segmentId());
        if (t.loss() == io.museflow.learn.model.LossKind.CCC) {
            r.set("ccc_reduction", t.options().cccReduction().name().toLowerCase(java.util.Locale.ROOT));
        }
        r.set("head", t.options().head());
        if (t.kind() == ModelKind.SUN) {
            r.set("projection_bias", t.options().projectionBias());
        }
        r.set("init", t.options().init().name().toLowerCase(java.util.Locale.ROOT));
        r.set("plateau", t.plateau().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        r.set("seed", t.seed());
        r.set("max_epochs", t.maxEpochs());
        r.set("config", t.rendered());
        r.set("data_fingerprint", fingerprint);
        r.set("code_version", CodeVersion.get());
        return r;
    }

    /** Adds a finished trial's outcome. */
    public static void succeeded(TrialRow r, TrialRun run) {
        r.set(ResultSchema.STATUS, TrialStatus.OK.key());
        List<Target> targets = run.targets();
        double mean = 0;
        double testMean = 0;
        int testTargets = 0;
        for (int c = 0; c < targets.size(); c++) {
            String t = targets.get(c).key();
            double ccc = run.result().bestDevelCcc()[c];
            mean += ccc / targets.size();
            r.set("devel_ccc_" + t, ccc);
            Scores devel = run.devel()[c];
            VideoBootstrap.Interval develInterval = devel.cccInterval();
            r.set("devel_ccc_ci_low_" + t, develInterval.low());
            r.set("devel_ccc_ci_high_" + t, develInterval.high());
            r.set("devel_pearson_" + t, devel.pearson());
            r.set("devel_rmse_" + t, devel.rmse());
            r.set("devel_ccc_per_video_" + t, devel.meanPerVideoCcc());
            Scores[] train = run.scores().get(Partition.TRAIN);
            if (train != null) {
                r.set("train_ccc_" + t, train[c].ccc());
            }
            Scores[] test = run.scores().get(Partition.TEST);
            if (test != null && test[c].frames() > 0) {
                r.set("test_ccc_" + t, test[c].ccc());
                VideoBootstrap.Interval testInterval = test[c].cccInterval();
                r.set("test_ccc_ci_low_" + t, testInterval.low());
                r.set("test_ccc_ci_high_" + t, testInterval.high());
                testMean += test[c].ccc() / targets.size();
                testTargets++;
            }
        }
        r.set("devel_ccc", mean);
        if (testTargets == targets.size()) {
            r.set("test_ccc", testMean);
        }
        r.set("best_epoch", run.result().bestEpoch());
        r.set("epochs_run", run.result().epochsRun());
    }

    public static void failed(TrialRow r, Throwable error) {
        r.set(ResultSchema.STATUS, TrialStatus.FAILED.key());
        String m = error.getMessage();
        r.set("error", error.getClass().getSimpleName() + (m == null ? "" : ": " + m));
    }

    public static boolean write(Path target, Configuration conf, TrialRow row) throws IOException {
        SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
        Group g = f.newGroup();
        // TrialRow.set checked each value against its column's type.
        row.values().forEach((k, v) -> {
            switch (TABLE.column(k).type()) {
                case STRING -> g.append(k, (String) v);
                case INT -> g.append(k, (Integer) v);
                case LONG -> g.append(k, (Long) v);
                case DOUBLE -> g.append(k, (Double) v);
                case BOOLEAN -> g.append(k, (Boolean) v);
                default -> throw new IllegalStateException(k + ": " + TABLE.column(k).type());
            }
        });
        return ParquetFiles.commit(target, SCHEMA, conf, w -> w.write(g));
    }

    public static TrialRow read(Path file, Configuration conf) throws IOException {
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
            Group g = reader.read();
            if (g == null) {
                throw new IOException(file + " holds no trial row");
            }
            TrialRow r = new TrialRow();
            for (Column c : TABLE.columns()) {
                String k = c.name();
                if (g.getFieldRepetitionCount(k) == 0) {
                    continue;
                }
                r.set(k, switch (c.type()) {
                    case STRING -> g.getString(k, 0);
                    case INT -> g.getInteger(k, 0);
                    case LONG -> g.getLong(k, 0);
                    case DOUBLE -> g.getDouble(k, 0);
                    case BOOLEAN -> g.getBoolean(k, 0);
                    default -> throw new IllegalStateException(k + ": " + c.type());
                });
            }
            return r;
        }
    }
}
