package io.museflow.table;

import io.museflow.data.Target;

import java.util.ArrayList;
import java.util.List;

import static io.museflow.table.Column.optional;
import static io.museflow.table.Column.required;
import static io.museflow.table.ColumnType.BOOLEAN;
import static io.museflow.table.ColumnType.DOUBLE;
import static io.museflow.table.ColumnType.FLOAT;
import static io.museflow.table.ColumnType.INT;
import static io.museflow.table.ColumnType.LONG;
import static io.museflow.table.ColumnType.STRING;

/**
 * The result tables of trials and sweeps (README, "Sweep results"): one Parquet file per trial and
 * table, every row carrying its trial id, so a folder of them is one table for Spark or a notebook.
 */
public final class ResultSchema {
    public static final String TRIAL_ID = "trial_id";
    public static final String STATUS = "status";
    public static final String VIDEO = "video";
    public static final String PARTITION = "partition";
    public static final String FRAME = "frame";
    public static final String TARGET = "target";
    public static final String PREDICTION = "prediction";
    public static final String LABEL = "label";
    public static final String TIMESTAMP = "timestamp";

    /**
     * One row per trial: every hyperparameter, the outcome (status, error, metrics per target,
     * epochs, seconds, where it ran) and its provenance (configuration, seed, data fingerprint,
     * code version). All but the id and the status may be empty (a failed trial has no metrics, a
     * stacked model no attention settings).
     */
    public static final TableSchema TRIALS = trials();

    /**
     * Whole-video predictions of every partition, long form: one row per frame and target, with the
     * frame's label timestamp in ms (empty in files written before it existed).
     */
    public static final TableSchema PREDICTIONS = new TableSchema("predictions", List.of(
            required(TRIAL_ID, STRING), required(VIDEO, STRING), required(PARTITION, STRING),
            required(FRAME, INT), required(TARGET, STRING), required(PREDICTION, FLOAT),
            optional(LABEL, FLOAT), optional(TIMESTAMP, LONG)));

    /** The learning curve: one row per epoch. */
    public static final TableSchema EPOCHS = new TableSchema("epochs", List.of(
            required(TRIAL_ID, STRING), required("epoch", INT), required("train_loss", DOUBLE),
            required("learning_rate", DOUBLE), optional(develCcc(Target.AROUSAL), DOUBLE),
            optional(develCcc(Target.VALENCE), DOUBLE), required("seconds", DOUBLE)));

    private ResultSchema() {
    }

    /** The epochs table's column of a target's devel CCC. */
    public static String develCcc(Target t) {
        return "devel_ccc_" + t.key();
    }

    private static TableSchema trials() {
        List<Column> c = new ArrayList<>();
        c.add(required(TRIAL_ID, STRING));
        c.add(optional("name", STRING));
        c.add(required(STATUS, STRING));
        for (String k : List.of("error", "group_id", "feature_sets", "targets", "model")) {
            c.add(optional(k, STRING));
        }
        for (String k : List.of("width", "heads", "attention_layers", "lstm_layers", "layers")) {
            c.add(optional(k, INT));
        }
        c.add(optional("cell", STRING));
        c.add(optional("bidirectional", BOOLEAN));
        c.add(optional("hidden", INT));
        c.add(optional("dropout", DOUBLE));
        c.add(optional("learning_rate", DOUBLE));
        c.add(optional("batch_size", INT));
        c.add(optional("loss", STRING));
        c.add(optional("segment_id", BOOLEAN));
        c.add(optional("ccc_reduction", STRING));
        c.add(optional("head", INT));
        c.add(optional("projection_bias", BOOLEAN));
        c.add(optional("init", STRING));
        c.add(optional("plateau", STRING));
        c.add(optional("seed", LONG));
        c.add(optional("max_epochs", INT));
        c.add(optional("devel_ccc", DOUBLE));
        // test_ccc: only where the package has test labels; reported, never used to select anything.
        c.add(optional("test_ccc", DOUBLE));
        for (String metric : List.of("devel_ccc", "devel_ccc_ci_low", "devel_ccc_ci_high", "devel_pearson", "devel_rmse",
                "devel_ccc_per_video", "train_ccc", "test_ccc", "test_ccc_ci_low", "test_ccc_ci_high")) {
            for (Target t : Target.values()) {
                c.add(optional(metric + "_" + t.key(), DOUBLE));
            }
        }
        c.add(optional("best_epoch", INT));
        c.add(optional("epochs_run", INT));
        c.add(optional("seconds", DOUBLE));
        c.add(optional("executor", STRING));
        c.add(optional("gpu", STRING));
        c.add(optional("attempt", INT));
        c.add(optional("finished_at_ms", LONG));
        c.add(optional("config", STRING));
        c.add(optional("data_fingerprint", STRING));
        c.add(optional("code_version", STRING));
        return new TableSchema("trials", c);
    }
}
