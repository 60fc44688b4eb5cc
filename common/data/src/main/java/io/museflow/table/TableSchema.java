package io.museflow.table;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table museflow writes, defined once: the writer derives its Spark or Parquet schema from it
 * and the reader takes its column names from it, so the two cannot drift apart.
 */
public record TableSchema(String name, List<Column> columns) {
    public TableSchema {
        columns = List.copyOf(columns);
        Map<String, Column> seen = new LinkedHashMap<>();
        for (Column c : columns) {
            if (seen.put(c.name(), c) != null) {
                throw new IllegalArgumentException("table " + name + " defines column " + c.name() + " twice");
            }
        }
    }

    public List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    public boolean has(String column) {
        return columns.stream().anyMatch(c -> c.name().equals(column));
    }

    /** The column called {@code name}; a name the table lacks is a programming error. */
    public Column column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("table " + this.name + " has no column " + name));
    }
}
