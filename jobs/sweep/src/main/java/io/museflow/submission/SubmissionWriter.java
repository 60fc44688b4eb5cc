package io.museflow.submission;

import io.museflow.data.Target;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes a validated {@link Submission} in its format into a folder (the caller's temporary one). */
final class SubmissionWriter {
    private SubmissionWriter() {
    }

    /** The files written, relative to {@code dir}. */
    static List<String> write(Submission s, FileSystem fs, Path dir) throws IOException {
        List<String> files = new ArrayList<>();
        switch (s.format()) {
            case MUSE2020 -> {
                String name = s.partition().id() + ".csv";
                try (Writer w = open(fs, new Path(dir, name))) {
                    StringBuilder header = new StringBuilder("id,timestamp");
                    s.targets().forEach(t -> header.append(",prediction_").append(t.key()));
                    w.write(header.append('\n').toString());
                    StringBuilder row = new StringBuilder(64);
                    for (Submission.Video v : s.videos()) {
                        for (int f = 0; f < v.timestampsMs().length; f++) {
                            row.setLength(0);
                            row.append(v.id()).append(',').append(v.timestampsMs()[f]);
                            for (Target t : s.targets()) {
                                row.append(',').append(value(v.predictions().get(t)[f]));
                            }
                            w.write(row.append('\n').toString());
                        }
                    }
                }
                files.add(name);
            }
            case MUSE2021 -> {
                for (Target t : s.targets()) {
                    for (Submission.Video v : s.videos()) {
                        String name = t.key() + "/" + v.id() + ".csv";
                        try (Writer w = open(fs, new Path(dir, name))) {
                            w.write("timestamp,segment_id,value\n");
                            float[] p = v.predictions().get(t);
                            for (int f = 0; f < p.length; f++) {
                                int seg = v.segmentIds()[f];
                                w.write(v.timestampsMs()[f] + "," + (seg < 0 ? "" : Integer.toString(seg)) + ","
                                        + value(p[f]) + "\n");
                            }
                        }
                        files.add(name);
                    }
                }
            }
        }
        return files;
    }

    /** Six decimals: below the annotation's resolution, and the same text on every machine. */
    private static String value(float v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private static Writer open(FileSystem fs, Path file) throws IOException {
        FSDataOutputStream out = fs.create(file, false);
        return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    }
}
