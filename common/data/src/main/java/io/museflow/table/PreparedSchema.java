package io.museflow.table;

import io.museflow.data.Target;

import java.util.List;

import static io.museflow.table.Column.optional;
import static io.museflow.table.Column.required;
import static io.museflow.table.ColumnType.BOOLEAN;
import static io.museflow.table.ColumnType.DOUBLE;
import static io.museflow.table.ColumnType.FLOAT;
import static io.museflow.table.ColumnType.FLOAT_LIST;
import static io.museflow.table.ColumnType.INT;
import static io.museflow.table.ColumnType.LONG;
import static io.museflow.table.ColumnType.STRING;

/**
 * The tables of a prepared data set (README, "Output: the prepared data set"). {@code labels} and
 * {@code features/<set>} are partitioned by {@code partition} in folders ({@code partition=train}).
 */
public final class PreparedSchema {
    public static final String VIDEO = "video";
    public static final String PARTITION = "partition";
    public static final String FRAME = "frame";
    public static final String TIMESTAMP = "timestamp";
    public static final String SEGMENT_ID = "segment_id";
    public static final String VALUES = "values";
    public static final String VALID = "valid";

    /** One row per label frame: labels are null where masked or absent. */
    public static final TableSchema LABELS = new TableSchema("labels", List.of(
            required(VIDEO, STRING), required(PARTITION, STRING), required(FRAME, INT), required(TIMESTAMP, LONG),
            optional(SEGMENT_ID, INT), optional(Target.AROUSAL.key(), FLOAT), optional(Target.VALENCE.key(), FLOAT)));

    /** One row per label frame and feature set: standardized values, 0 where missing; valid = had data. */
    public static final TableSchema FEATURES = new TableSchema("features", List.of(
            optional(VIDEO, STRING), optional(PARTITION, STRING), required(FRAME, INT), required(TIMESTAMP, LONG),
            optional(VALUES, FLOAT_LIST), required(VALID, BOOLEAN)));

    public static final TableSchema STATS = new TableSchema("stats", List.of(
            required("feature_set", STRING), required("column", INT), required("name", STRING),
            required("mean", FLOAT), required("std", FLOAT), required("count", LONG),
            required("standardized", BOOLEAN)));

    public static final TableSchema QUALITY = new TableSchema("quality", List.of(
            required(VIDEO, STRING), required(PARTITION, STRING), required("feature_set", STRING),
            required("frames", INT), required("missing_frames", INT), required("nan_cells", LONG),
            required("unused_rows", INT), required("coverage", DOUBLE), required("labelled_frames", INT)));

    private PreparedSchema() {
    }
}
