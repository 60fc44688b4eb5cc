package io.museflow.store;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;

/**
 * Small Parquet files written by one task with the Apache Parquet library and committed exactly
 * once ({@link AtomicFiles#commitOnce}): when two attempts of the same task race, the second one's
 * file is dropped, so readers never see a partial file or two files for one name.
 */
public final class ParquetFiles {
    private ParquetFiles() {
    }

    public interface Rows {
        void write(ParquetWriter<Group> writer) throws IOException;
    }

    /** Writes {@code target}; false when it already existed (another attempt committed it first). */
    public static boolean commit(Path target, MessageType schema, Configuration conf, Rows rows) throws IOException {
        return AtomicFiles.commitOnce(target, conf, tmp -> {
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(tmp).withConf(conf).withType(schema)
                    .withCompressionCodec(CompressionCodecName.SNAPPY).withDictionaryEncoding(false).build()) {
                rows.write(w);
            }
        });
    }
}
