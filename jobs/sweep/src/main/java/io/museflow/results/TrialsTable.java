package io.museflow.results;

import io.museflow.job.CodeVersion;
import io.museflow.store.ParquetFiles;
import io.museflow.store.TableFormats;
import io.museflow.table.Column;
import io.museflow.table.ResultSchema;
import io.museflow.table.TableSchema;
import io.museflow.trial.TrialRun;
import io.museflow.learn.TrialSpec;
import io.museflow.metrics.Scores;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sweep's {@code trials} table: one row per trial with every hyperparameter as a column, the
 * outcome (status, error, devel and train metrics per target, epochs, seconds, where it ran) and its
 * provenance (resolved configuration, seed, data fingerprint, code version). A row is a map from
 * column name to value (String, Integer, Long, Double or Boolean; absent = null), written as one
 * Parquet file per trial.
 */
public final class TrialsTable {
    public static final String OK = "ok";
    public static final String FAILED = "failed";

    static final TableSchema TABLE = ResultSchema.TRIALS;
    static final MessageType SCHEMA = TableFormats.parquet(TABLE);

    private TrialsTable() {
    }

    /** The hyperparameter and provenance columns of a trial, before its outcome is known. */
    public static Map<String, Object> describe(String id, TrialSpec t, String fingerprint) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("trial_id", id);
        r.put("name", t.name());
        r.put("group_id", t.groupId(fingerprint));
        r.put("feature_sets", String.join("+", t.featureSets()));
        r.put("targets", String.join("+", t.targets()));
        r.put("model", t.model());
        if (t.model().equals("sun")) {
            r.put("width", t.width());
            r.put("heads", t.heads());
            r.put("attention_layers", t.attentionLayers());
            r.put("lstm_layers", t.lstmLayers());
        } else {
            r.put("layers", t.layers());
            r.put("cell", t.cell().name().toLowerCase(java.util.Locale.ROOT));
            r.put("bidirectional", t.bidirectional());
        }
        r.put("hidden", t.hidden());
        r.put("dropout", t.dropout());
        r.put("learning_rate", t.learningRate());
        r.put("batch_size", t.batchSize());
        r.put("loss", t.loss().name().toLowerCase(java.util.Locale.ROOT));
        r.put("segment_id", t.segmentId());
        if (t.loss() == io.museflow.learn.model.LossKind.CCC) {
            r.put("ccc_reduction", t.options().cccReduction().name().toLowerCase(java.util.Locale.ROOT));
        }
        r.put("head", t.options().head());
        if (t.model().equals("sun")) {
            r.put("projection_bias", t.options().projectionBias());
        }
        r.put("init", t.options().init().name().toLowerCase(java.util.Locale.ROOT));
        r.put("plateau", t.plateau().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        r.put("seed", t.seed());
        r.put("max_epochs", t.maxEpochs());
        r.put("config", t.rendered());
        r.put("data_fingerprint", fingerprint);
        r.put("code_version", CodeVersion.get());
        return r;
    }

    /** Adds a finished trial's outcome. */
    public static void succeeded(Map<String, Object> r, TrialRun run) {
        r.put("status", OK);
        List<String> targets = run.targets();
        double mean = 0;
        for (int c = 0; c < targets.size(); c++) {
            String t = targets.get(c);
            double ccc = run.result().bestDevelCcc()[c];
            mean += ccc / targets.size();
            r.put("devel_ccc_" + t, ccc);
            Scores devel = run.devel()[c];
            r.put("devel_pearson_" + t, devel.pearson());
            r.put("devel_rmse_" + t, devel.rmse());
            r.put("devel_ccc_per_video_" + t, devel.meanPerVideoCcc());
            Scores[] train = run.scores().get("train");
            if (train != null) {
                r.put("train_ccc_" + t, train[c].ccc());
            }
        }
        r.put("devel_ccc", mean);
        r.put("best_epoch", run.result().bestEpoch());
        r.put("epochs_run", run.result().epochsRun());
    }

    public static void failed(Map<String, Object> r, Throwable error) {
        r.put("status", FAILED);
        String m = error.getMessage();
        r.put("error", error.getClass().getSimpleName() + (m == null ? "" : ": " + m));
    }

    public static boolean write(Path target, Configuration conf, Map<String, Object> row) throws IOException {
        SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
        Group g = f.newGroup();
        row.forEach((k, v) -> {
            if (v == null || (v instanceof Double x && x.isNaN())) {
                return;
            }
            if (!TABLE.has(k)) {
                throw new IllegalArgumentException("trials table has no column " + k);
            }
            if (v instanceof String x) {
                g.append(k, x);
            } else if (v instanceof Integer x) {
                g.append(k, x);
            } else if (v instanceof Long x) {
                g.append(k, x);
            } else if (v instanceof Double x) {
                g.append(k, x);
            } else if (v instanceof Boolean x) {
                g.append(k, x);
            } else {
                throw new IllegalArgumentException("column " + k + ": unsupported value " + v.getClass());
            }
        });
        return ParquetFiles.commit(target, SCHEMA, conf, w -> w.write(g));
    }

    public static Map<String, Object> read(Path file, Configuration conf) throws IOException {
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
            Group g = reader.read();
            if (g == null) {
                throw new IOException(file + " holds no trial row");
            }
            Map<String, Object> r = new LinkedHashMap<>();
            for (Column c : TABLE.columns()) {
                String k = c.name();
                if (g.getFieldRepetitionCount(k) == 0) {
                    continue;
                }
                r.put(k, switch (c.type()) {
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
