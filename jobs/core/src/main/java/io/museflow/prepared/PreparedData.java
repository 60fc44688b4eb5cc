package io.museflow.prepared;

import io.museflow.data.Partition;
import io.museflow.store.AtomicFiles;
import io.museflow.store.OutputDir;
import com.fasterxml.jackson.databind.JsonNode;
import io.museflow.data.InputDataException;
import io.museflow.data.Target;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.museflow.table.PreparedSchema.FRAME;
import static io.museflow.table.PreparedSchema.PARTITION;
import static io.museflow.table.PreparedSchema.SEGMENT_ID;
import static io.museflow.table.PreparedSchema.TIMESTAMP;
import static io.museflow.table.PreparedSchema.VALUES;
import static io.museflow.table.PreparedSchema.VIDEO;

/**
 * A prepared data set read with the Apache Parquet library alone, no Spark: what one trial needs,
 * read where the trial runs (a sweep task on an executor, or the driver of a single trial) from the
 * shared path. Whole videos of one partition: labels, segment ids and the standardized features of
 * the requested sets, frame by frame. Column names come from the tables' one definition
 * ({@link io.museflow.table.PreparedSchema}), which the prepare job's writer uses too.
 */
public final class PreparedData {
    /**
     * One video of a partition: {@code frames} label frames at {@code timestampsMs} (the timeline
     * prepare derived); per set {@code frames × width} values.
     */
    public record Video(String id, Partition partition, int frames, long[] timestampsMs, float[] arousal, float[] valence,
                        int[] segmentIds, Map<String, float[]> sets) {
    }

    private final String root;
    private final Configuration conf;
    private final JsonNode manifest;
    private final Map<String, Integer> widths = new LinkedHashMap<>();
    private final Map<String, String> tables = new LinkedHashMap<>();

    private PreparedData(String root, Configuration conf, JsonNode manifest) {
        this.root = root;
        this.conf = conf;
        this.manifest = manifest;
        for (JsonNode s : manifest.path("feature_sets")) {
            widths.put(s.path("name").asText(), s.path("width").asInt());
            tables.put(s.path("name").asText(), s.path("table").asText(s.path("name").asText()));
        }
    }

    /** Opens the data set at {@code root} (any Hadoop file system URI); fails unless prepare wrote it. */
    public static PreparedData open(String root, Configuration conf) throws IOException {
        Path manifestPath = new Path(root, OutputDir.MANIFEST);
        FileSystem fs = manifestPath.getFileSystem(conf);
        if (!fs.exists(manifestPath)) {
            throw new InputDataException(root + " is not a prepared data set (no " + OutputDir.MANIFEST
                    + "; run prepare first)");
        }
        try (InputStream in = fs.open(manifestPath)) {
            return new PreparedData(root, conf, AtomicFiles.JSON.readTree(in));
        }
    }

    public String root() {
        return root;
    }

    public String fingerprint() {
        return manifest.path("data_fingerprint").asText();
    }

    /** The package layout prepare read: muse2020 or muse2021. */
    public String layout() {
        return manifest.path("layout").asText();
    }

    /** Milliseconds between label frames. */
    public long labelPeriodMs() {
        return manifest.path("label_period_ms").asLong();
    }

    public int windowSize() {
        return manifest.path("window_size").asInt();
    }

    public int windowHop() {
        return manifest.path("window_hop").asInt();
    }

    /** Feature set → width, in the data set's order. */
    public Map<String, Integer> widths() {
        return Map.copyOf(widths);
    }

    public int width(String set) {
        Integer w = widths.get(set);
        if (w == null) {
            throw new InputDataException("feature set '" + set + "' is not in " + root + " (prepared sets: "
                    + widths.keySet() + ")");
        }
        return w;
    }

    /** The partition's videos in id order, with the given feature sets. Empty if it has none. */
    public List<Video> videos(Partition partition, List<String> sets) throws IOException {
        Map<String, LabelsBuilder> labels = new TreeMap<>();
        scan(new Path(root, PreparedTables.LABELS + "/" + PARTITION + "=" + partition.id()),
                g -> labels.computeIfAbsent(g.getString(VIDEO, 0), k -> new LabelsBuilder()).add(g));
        Map<String, Map<String, float[]>> values = new LinkedHashMap<>();
        Map<String, Integer> frames = new LinkedHashMap<>();
        labels.forEach((video, b) -> {
            frames.put(video, b.frames());
            values.put(video, new LinkedHashMap<>());
        });
        for (String set : sets) {
            int d = width(set);
            Path dir = new Path(root, PreparedTables.FEATURES + "/" + tables.get(set) + "/" + PARTITION + "=" + partition.id());
            scan(dir, g -> {
                String video = g.getString(VIDEO, 0);
                int frame = g.getInteger(FRAME, 0);
                Integer n = frames.get(video);
                if (n == null || frame >= n) {
                    throw new InputDataException(dir + ": video " + video + " frame " + frame
                            + " has no label frame (the data set is inconsistent; prepare it again)");
                }
                float[] x = values.get(video).computeIfAbsent(set, k -> new float[n * d]);
                Group list = g.getGroup(VALUES, 0);
                int count = list.getFieldRepetitionCount(0);
                if (count != d) {
                    throw new InputDataException(dir + ": video " + video + " frame " + frame + " has " + count
                            + " values, the set has " + d);
                }
                for (int c = 0; c < d; c++) {
                    x[frame * d + c] = list.getGroup(0, c).getFloat(0, 0);
                }
            });
        }
        List<Video> out = new ArrayList<>();
        labels.forEach((video, b) -> {
            Map<String, float[]> v = values.get(video);
            for (String set : sets) {
                if (!v.containsKey(set)) {
                    throw new InputDataException(root + ": feature set " + set + " has no rows for " + partition.id()
                            + " video " + video);
                }
            }
            out.add(new Video(video, partition, b.frames(), b.timestamps(), b.arousal(), b.valence(), b.segments(), v));
        });
        return out;
    }

    /** Each row of the Parquet files in a folder, streamed (nothing if the folder does not exist). */
    private void scan(Path dir, java.util.function.Consumer<Group> row) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir)) {
            return;
        }
        for (FileStatus f : fs.listStatus(dir)) {
            String name = f.getPath().getName();
            if (!f.isFile() || name.startsWith("_") || name.startsWith(".") || !name.endsWith(".parquet")) {
                continue;
            }
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), f.getPath())
                    .withConf(conf).build()) {
                for (Group g = reader.read(); g != null; g = reader.read()) {
                    row.accept(g);
                }
            }
        }
    }

    /** Label rows of one video, in any order. */
    private static final class LabelsBuilder {
        private final TreeMap<Integer, Group> rows = new TreeMap<>();

        void add(Group g) {
            rows.put(g.getInteger(FRAME, 0), g);
        }

        int frames() {
            return rows.isEmpty() ? 0 : rows.lastKey() + 1;
        }

        private float[] column(String name) {
            float[] out = new float[frames()];
            java.util.Arrays.fill(out, Float.NaN);
            rows.forEach((frame, g) -> {
                if (g.getFieldRepetitionCount(name) > 0) {
                    out[frame] = g.getFloat(name, 0);
                }
            });
            return out;
        }

        long[] timestamps() {
            long[] out = new long[frames()];
            if (rows.size() != out.length) {
                throw new InputDataException("labels of video " + rows.firstEntry().getValue().getString(VIDEO, 0)
                        + " skip frames (" + rows.size() + " rows for " + out.length
                        + " frames): the data set is inconsistent; prepare it again");
            }
            rows.forEach((frame, g) -> out[frame] = g.getLong(TIMESTAMP, 0));
            return out;
        }

        float[] arousal() {
            return column(Target.AROUSAL.key());
        }

        float[] valence() {
            return column(Target.VALENCE.key());
        }

        int[] segments() {
            int[] out = new int[frames()];
            java.util.Arrays.fill(out, -1);
            rows.forEach((frame, g) -> {
                if (g.getFieldRepetitionCount(SEGMENT_ID) > 0) {
                    out[frame] = g.getInteger(SEGMENT_ID, 0);
                }
            });
            return out;
        }
    }
}
