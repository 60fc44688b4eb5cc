package io.museflow.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.UUID;

/**
 * Small Parquet files written by one task with the Apache Parquet library and committed
 * exactly once: written under a hidden temporary name beside the target (Spark and Parquet readers
 * skip names starting with '.' or '_'), then renamed without overwrite. When two attempts of the
 * same task race (a retry after executor loss, speculation), the second rename fails and its file is
 * dropped: readers never see a partial file or two files for one name.
 */
final class ParquetFiles {
    private ParquetFiles() {
    }

    interface Rows {
        void write(ParquetWriter<Group> writer) throws IOException;
    }

    /** Writes {@code target}; false when it already existed (another attempt committed it first). */
    static boolean commit(Path target, MessageType schema, Configuration conf, Rows rows) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        fs.mkdirs(target.getParent());
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(tmp).withConf(conf).withType(schema)
                    .withCompressionCodec(CompressionCodecName.SNAPPY).withDictionaryEncoding(false).build()) {
                rows.write(w);
            }
            return rename(tmp, target, conf);
        } finally {
            fs.delete(tmp, false);
        }
    }

    /** Renames without overwrite; false when the target exists. */
    static boolean rename(Path from, Path to, Configuration conf) throws IOException {
        try {
            FileContext.getFileContext(to.toUri(), conf).rename(from, to, Options.Rename.NONE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }
}
