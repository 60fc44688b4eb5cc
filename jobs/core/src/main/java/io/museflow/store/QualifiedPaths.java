package io.museflow.store;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/**
 * Paths as the driver means them. A task resolves a relative path against its executor's working
 * folder (on a standalone worker, the application's folder under the worker's), so a job turns
 * every folder it hands to tasks into a fully qualified URI on the driver first.
 */
public final class QualifiedPaths {
    private QualifiedPaths() {
    }

    /** {@code path} as a URI of the file system it names; a URI with a scheme is returned as it is. */
    public static String of(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        // A URI with a scheme already names one place for every machine (and hdfs:// needs no lookup).
        return p.toUri().getScheme() != null ? path : p.getFileSystem(conf).makeQualified(p).toString();
    }
}
