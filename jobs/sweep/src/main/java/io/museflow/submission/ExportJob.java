package io.museflow.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.museflow.config.MuseLayout;
import io.museflow.data.InputDataException;
import io.museflow.data.Partition;
import io.museflow.data.Target;
import io.museflow.job.Console;
import io.museflow.job.Jobs;
import io.museflow.prepared.PreparedData;
import io.museflow.results.SweepLayout;
import io.museflow.results.TrialRow;
import io.museflow.results.TrialsTable;
import io.museflow.store.AtomicFiles;
import io.museflow.store.OutputDir;
import io.museflow.table.ResultSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code spark-submit --class io.museflow.submission.ExportJob jobs/sweep.jar sweep=DIR trials.arousal=ID
 * [trials.valence=ID] [format=muse2020|muse2021] output=DIR}: a trial's test predictions (unimodal
 * or fused) as challenge submission files. Reads the sweep's rows and predictions and the prepared
 * data set's timeline with the Parquet library, validates them ({@link Submission}) and only then
 * writes the folder, complete or not at all, with a manifest naming every trial, the data set's
 * fingerprint and the code version.
 */
public final class ExportJob {
    private ExportJob() {
    }

    public static void main(String[] args) throws Exception {
        Jobs.main("export", """
                usage: spark-submit --class io.museflow.submission.ExportJob jobs/sweep.jar [--config FILE] [key=value ...]
                  Keys are those of museflow.export in reference.conf: sweep (a sweep's output folder),
                  trials.arousal / trials.valence (trial ids), format (auto | muse2020 | muse2021),
                  partition (test | devel), output, overwrite.""", args, a -> {
            ExportConfig cfg = ExportConfig.load(a);
            return spark -> run(cfg, spark.sparkContext().hadoopConfiguration());
        });
    }

    /** Exports and returns what was written (the existing export when the same one is already there). */
    public static Submission run(ExportConfig cfg, Configuration conf) throws IOException {
        Console log = new Console("export");
        JsonNode sweep = sweepManifest(cfg.sweep(), conf);
        PreparedData data = PreparedData.open(sweep.path("data").asText(), conf);
        String fingerprint = sweep.path("data_fingerprint").asText();
        if (!data.fingerprint().equals(fingerprint)) {
            throw new InputDataException(cfg.sweep() + " was swept over data with fingerprint " + fingerprint + "; "
                    + data.root() + " now has " + data.fingerprint() + " (prepared again since?)");
        }
        MuseLayout layout = MuseLayout.parse(data.layout());
        SubmissionFormat format = cfg.format() != null ? cfg.format() : SubmissionFormat.of(layout);
        if (data.labelPeriodMs() != format.layout().labelPeriodMs()) {
            throw new InputDataException(ExportConfig.SECTION + ".format: " + format.id() + " submissions have a row every "
                    + format.layout().labelPeriodMs() + " ms; " + data.root() + " has labels every "
                    + data.labelPeriodMs() + " ms");
        }
        Map<String, Submission.Timeline> timeline = new LinkedHashMap<>();
        for (PreparedData.Video v : data.videos(cfg.partition(), List.of())) {
            timeline.put(v.id(), new Submission.Timeline(v.timestampsMs(), v.segmentIds()));
        }
        Map<Target, Submission.Predictions> predictions = new EnumMap<>(Target.class);
        ObjectNode trials = AtomicFiles.JSON.createObjectNode();
        for (Map.Entry<Target, String> e : cfg.trials().entrySet()) {
            TrialRow row = trialRow(cfg.sweep(), e.getValue(), e.getKey(), conf);
            predictions.put(e.getKey(), read(SweepLayout.predictionsFile(cfg.sweep(), e.getValue()), e.getValue(),
                    e.getKey(), cfg.partition(), conf));
            ObjectNode t = trials.putObject(e.getKey().key());
            t.put("trial_id", e.getValue());
            t.put("name", row.name());
            for (String k : List.of("devel_ccc_" + e.getKey().key(), "code_version", "config")) {
                t.put(k, String.valueOf(row.values().get(k)));
            }
        }
        Submission submission = Submission.of(format, cfg.partition(), timeline, predictions);

        List<String> key = new ArrayList<>(List.of(format.id(), cfg.partition().id(), fingerprint));
        cfg.trials().forEach((t, id) -> key.add(t.key() + "=" + id));
        String runKey = OutputDir.sha256(key);
        OutputDir out = new OutputDir(cfg.output(), "submission", conf);
        if (out.check(runKey, cfg.overwrite(), ExportConfig.SECTION + ".overwrite") == OutputDir.State.SAME_RUN) {
            log.info("already exported: " + out.targetUri());
            return submission;
        }
        try {
            Path tmp = new Path(out.tempUri());
            FileSystem fs = tmp.getFileSystem(conf);
            fs.mkdirs(tmp);
            List<String> files = SubmissionWriter.write(submission, fs, tmp);
            ObjectNode m = out.newManifest(runKey);
            m.put("input", cfg.sweep());
            m.put("format", format.id());
            m.put("partition", cfg.partition().id());
            m.put("data", data.root());
            m.put("data_fingerprint", fingerprint);
            m.set("trials", trials);
            m.put("videos", submission.videos().size());
            m.put("rows", submission.rows());
            files.forEach(m.putArray("files")::add);
            out.commit(m);
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
        log.info(String.format("%s %s submission of %s: %d videos, %d rows per dimension, in %s", format.id(),
                cfg.partition().id(), cfg.trials(), submission.videos().size(), submission.rows(), out.targetUri()));
        return submission;
    }

    private static JsonNode sweepManifest(String sweep, Configuration conf) throws IOException {
        Path p = new Path(sweep, OutputDir.MANIFEST);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            throw new InputDataException(ExportConfig.SECTION + ".sweep: " + sweep + " is not a sweep's output (no "
                    + OutputDir.MANIFEST + ")");
        }
        try (InputStream in = fs.open(p)) {
            JsonNode m = AtomicFiles.JSON.readTree(in);
            if (!SweepLayout.KIND.equals(m.path("kind").asText())) {
                throw new InputDataException(ExportConfig.SECTION + ".sweep: " + sweep + " is not a sweep's output");
            }
            return m;
        }
    }

    private static TrialRow trialRow(String sweep, String id, Target target, Configuration conf) throws IOException {
        Path file = io.museflow.sweep.SweepTask.rowFile(sweep, id);
        if (!file.getFileSystem(conf).exists(file)) {
            throw new InputDataException(ExportConfig.SECTION + ".trials." + target.key() + ": trial " + id
                    + " is not in " + sweep + " (ids are in its trials and summary tables)");
        }
        TrialRow row = TrialsTable.read(file, conf);
        if (!row.ok()) {
            throw new InputDataException(ExportConfig.SECTION + ".trials." + target.key() + ": trial " + id + " failed ("
                    + row.error() + ")");
        }
        String targets = String.valueOf(row.values().get("targets"));
        if (!Arrays.asList(targets.split("\\+")).contains(target.key())) {
            throw new InputDataException(ExportConfig.SECTION + ".trials." + target.key() + ": trial " + id + " predicts "
                    + targets + ", not " + target.key());
        }
        return row;
    }

    /** One trial's predictions of one target on one partition, per video, as written. */
    static Submission.Predictions read(Path file, String trialId, Target target, Partition partition, Configuration conf)
            throws IOException {
        if (!file.getFileSystem(conf).exists(file)) {
            throw new InputDataException("trial " + trialId + " has no predictions file " + file);
        }
        Map<String, List<Frame>> rows = new LinkedHashMap<>();
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
                if (!g.getString(ResultSchema.TARGET, 0).equals(target.key())
                        || !g.getString(ResultSchema.PARTITION, 0).equals(partition.id())) {
                    continue;
                }
                boolean stamped = g.getType().containsField(ResultSchema.TIMESTAMP)
                        && g.getFieldRepetitionCount(ResultSchema.TIMESTAMP) > 0;
                rows.computeIfAbsent(g.getString(ResultSchema.VIDEO, 0), k -> new ArrayList<>()).add(new Frame(
                        g.getInteger(ResultSchema.FRAME, 0), g.getFloat(ResultSchema.PREDICTION, 0),
                        stamped ? g.getLong(ResultSchema.TIMESTAMP, 0) : Long.MIN_VALUE));
            }
        }
        Map<String, float[]> byVideo = new LinkedHashMap<>();
        Map<String, long[]> tsByVideo = new LinkedHashMap<>();
        rows.forEach((video, frames) -> {
            int n = frames.stream().mapToInt(Frame::index).max().orElse(-1) + 1;
            float[] p = new float[n];
            long[] ts = new long[n];
            Arrays.fill(p, Float.NaN);
            Arrays.fill(ts, Long.MIN_VALUE);
            boolean[] seen = new boolean[n];
            for (Frame f : frames) {
                if (seen[f.index()]) {
                    throw new InputDataException(file + ": " + partition.id() + " video " + video + " frame "
                            + f.index() + " of " + target + " is predicted twice");
                }
                seen[f.index()] = true;
                p[f.index()] = f.prediction();
                ts[f.index()] = f.timestampMs();
            }
            byVideo.put(video, p);
            tsByVideo.put(video, ts);
        });
        return new Submission.Predictions(trialId, byVideo, tsByVideo);
    }

    /** One predictions row: the frame, its prediction, its timestamp ({@link Long#MIN_VALUE} if unwritten). */
    private record Frame(int index, float prediction, long timestampMs) {
    }
}
