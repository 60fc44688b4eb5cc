package io.museflow.synth;

import java.io.IOException;
import java.io.Writer;

/** Where generated files go: a local folder in tests, a Hadoop file system in the job. */
@FunctionalInterface
public interface FileSink {
    Writer open(String relativePath) throws IOException;
}
