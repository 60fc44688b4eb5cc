package io.museflow.table;

/** One column of a table: its name, what it holds, and whether a row may leave it empty. */
public record Column(String name, ColumnType type, boolean nullable) {
    public static Column required(String name, ColumnType type) {
        return new Column(name, type, false);
    }

    public static Column optional(String name, ColumnType type) {
        return new Column(name, type, true);
    }
}
