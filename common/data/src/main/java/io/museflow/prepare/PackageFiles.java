package io.museflow.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Read access to a MuSe package, relative to its root. The Spark jobs back it with a Hadoop file
 * system (HDFS, S3, local); tests with a local folder.
 */
public interface PackageFiles {
    /** The root, as shown in messages. */
    String root();

    boolean isFile(String relative) throws IOException;

    boolean isDirectory(String relative) throws IOException;

    /** Names of the entries directly inside a directory, sorted. */
    List<String> list(String relative) throws IOException;

    long size(String relative) throws IOException;

    InputStream open(String relative) throws IOException;

    default String describe(String relative) {
        String r = root();
        return (r.endsWith("/") ? r : r + "/") + relative;
    }
}
