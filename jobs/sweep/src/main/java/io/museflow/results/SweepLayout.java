package io.museflow.results;

import io.museflow.store.AtomicFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Folders of a sweep's output; README.md ("Sweep results") documents their columns. */
public final class SweepLayout {
    public static final String TRIALS = "trials";
    public static final String EPOCHS = "epochs";
    public static final String PREDICTIONS = "predictions";
    public static final String MODELS = "models";
    public static final String SUMMARY = "summary";
    public static final String BEST = "best";
    public static final String SEEDS = "seeds";
    /** The {@code kind} of a sweep folder's {@code _museflow.json}. */
    public static final String KIND = "museflow sweep";

    private SweepLayout() {
    }

    /** A trial's predictions file under the sweep folder {@code output}. */
    public static Path predictionsFile(String output, String id) {
        return new Path(output, PREDICTIONS + "/" + id + ".parquet");
    }

    /**
     * Removes what task attempts that died left half-written in the per-trial folders (see
     * {@link AtomicFiles#removeAbandoned}); for the driver once no task of the sweep runs. Returns the count.
     */
    public static int removeAbandoned(Path output, Configuration conf) throws IOException {
        int removed = 0;
        for (String folder : List.of(TRIALS, EPOCHS, PREDICTIONS, MODELS)) {
            removed += AtomicFiles.removeAbandoned(new Path(output, folder), conf);
        }
        return removed;
    }

    /** Trial ids with a committed row under {@code trials/} (a row is committed last: README "Resumable"). */
    public static Set<String> committed(Path output, Configuration conf) throws IOException {
        Path dir = new Path(output, TRIALS);
        FileSystem fs = dir.getFileSystem(conf);
        Set<String> out = new LinkedHashSet<>();
        if (fs.exists(dir)) {
            for (FileStatus f : fs.listStatus(dir)) {
                String n = f.getPath().getName();
                if (n.endsWith(".parquet") && !n.startsWith(".")) {
                    out.add(n.substring(0, n.length() - ".parquet".length()));
                }
            }
        }
        return out;
    }
}
