package io.museflow.prepared;

import io.museflow.store.TableFormats;
import io.museflow.table.PreparedSchema;
import io.museflow.table.ResultSchema;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Writers' schemas come from the tables' one definition, which readers use for their names. */
class PreparedSchemaTest {
    @Test
    void featuresWrittenThroughTheBeanEncoderHaveTheDefinedSchema() {
        // What PrepareJob writes: FrameRecord beans, columns selected in the definition's order.
        StructType bean = Encoders.bean(FrameRecord.class).schema();
        StructType written = DataTypes.createStructType(Arrays.stream(FrameRecord.COLUMNS)
                .map(c -> bean.apply(c)).toList());
        assertEquals(TableFormats.spark(PreparedSchema.FEATURES), written);
    }

    @Test
    void sparkSchemasOfThePreparedTables() {
        StructType labels = TableFormats.spark(PreparedSchema.LABELS);
        assertEquals(PreparedSchema.LABELS.names(), Arrays.asList(labels.fieldNames()));
        assertEquals(DataTypes.FloatType, labels.apply("valence").dataType());
        assertEquals(true, labels.apply("arousal").nullable());
        assertEquals(false, labels.apply("timestamp").nullable());
        assertEquals(DataTypes.LongType, labels.apply("timestamp").dataType());
        assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false),
                TableFormats.spark(PreparedSchema.FEATURES).apply("values").dataType());
    }

    @Test
    void parquetSchemasOfTheResultTables() {
        MessageType trials = TableFormats.parquet(ResultSchema.TRIALS);
        assertEquals(Type.Repetition.REQUIRED, trials.getType("trial_id").getRepetition());
        assertEquals(Type.Repetition.REQUIRED, trials.getType("status").getRepetition());
        assertEquals(Type.Repetition.OPTIONAL, trials.getType("devel_ccc_valence").getRepetition());
        assertEquals(ResultSchema.TRIALS.columns().size(), trials.getFieldCount());
        MessageType predictions = TableFormats.parquet(ResultSchema.PREDICTIONS);
        assertEquals("required binary video (STRING)", predictions.getType("video").toString());
        assertEquals(Type.Repetition.OPTIONAL, predictions.getType("label").getRepetition());
        assertThrows(IllegalArgumentException.class, () -> TableFormats.parquet(PreparedSchema.FEATURES),
                "lists are Spark-written only");
    }
}
