package io.museflow.table;

/** What a column holds, named independently of Spark and Parquet (each maps it to its own types). */
public enum ColumnType {
    STRING,
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    BOOLEAN,
    /** A list of non-null floats: one frame's feature values. */
    FLOAT_LIST
}
