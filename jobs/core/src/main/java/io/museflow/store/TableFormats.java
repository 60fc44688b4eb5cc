package io.museflow.store;

import io.museflow.table.Column;
import io.museflow.table.TableSchema;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A table's one definition ({@link TableSchema}, data module) as the schema each writer needs:
 * Spark's for tables written by Spark jobs, Parquet's for files written inside a task.
 */
public final class TableFormats {
    private TableFormats() {
    }

    public static StructType spark(TableSchema table) {
        return DataTypes.createStructType(table.columns().stream()
                .map(c -> DataTypes.createStructField(c.name(), sparkType(c), c.nullable())).toList());
    }

    private static DataType sparkType(Column c) {
        return switch (c.type()) {
            case STRING -> DataTypes.StringType;
            case INT -> DataTypes.IntegerType;
            case LONG -> DataTypes.LongType;
            case FLOAT -> DataTypes.FloatType;
            case DOUBLE -> DataTypes.DoubleType;
            case BOOLEAN -> DataTypes.BooleanType;
            case FLOAT_LIST -> DataTypes.createArrayType(DataTypes.FloatType, false);
        };
    }

    /** The Parquet message of a table of scalar columns (what tasks write with the Parquet library). */
    public static MessageType parquet(TableSchema table) {
        Types.MessageTypeBuilder m = Types.buildMessage();
        for (Column c : table.columns()) {
            Type.Repetition rep = c.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
            var p = Types.primitive(parquetType(table, c), rep);
            if (c.type() == io.museflow.table.ColumnType.STRING) {
                p = p.as(LogicalTypeAnnotation.stringType());
            }
            m.addField(p.named(c.name()));
        }
        return m.named(table.name());
    }

    private static PrimitiveTypeName parquetType(TableSchema table, Column c) {
        return switch (c.type()) {
            case STRING -> PrimitiveTypeName.BINARY;
            case INT -> PrimitiveTypeName.INT32;
            case LONG -> PrimitiveTypeName.INT64;
            case FLOAT -> PrimitiveTypeName.FLOAT;
            case DOUBLE -> PrimitiveTypeName.DOUBLE;
            case BOOLEAN -> PrimitiveTypeName.BOOLEAN;
            case FLOAT_LIST -> throw new IllegalArgumentException(table.name() + "." + c.name()
                    + ": lists are written by Spark jobs only");
        };
    }
}
