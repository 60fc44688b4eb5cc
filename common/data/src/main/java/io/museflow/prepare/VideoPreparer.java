package io.museflow.prepare;

import io.museflow.data.AlignedFeatures;
import io.museflow.data.FeatureCsvReader;
import io.museflow.data.FeatureSeries;
import io.museflow.data.InputDataException;
import io.museflow.data.LabelAligner;
import io.museflow.data.LabelCsvReader;
import io.museflow.data.LabelSeries;
import io.museflow.data.LabelTimeline;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/** Reads and aligns every file of one video. Runs inside a Spark task; pure Java. */
public final class VideoPreparer implements java.io.Serializable {
    private final PackageFiles files;
    private final PreparePlan plan;

    public VideoPreparer(PackageFiles files, PreparePlan plan) {
        this.files = files;
        this.plan = plan;
    }

    public PreparedVideo prepare(VideoPlan v) {
        List<String> checksums = new ArrayList<>();
        Map<String, FeatureSeries> raw = new LinkedHashMap<>();
        LabelTimeline timeline;
        if (v.labelled()) {
            LabelSeries a = read(v.arousalFile(), LabelCsvReader::read, checksums);
            LabelSeries b = read(v.valenceFile(), LabelCsvReader::read, checksums);
            timeline = LabelTimeline.of(v.video(), a, b);
        } else {
            // No label files (test): the label frames are every timestamp of any label-aligned set,
            // since one set can start later or lack rows that another has.
            for (SetPlan set : plan.sets()) {
                if (set.mode() == io.museflow.data.AlignmentMode.JOIN) {
                    raw.put(set.name(), read(v.featureFiles().get(set.name()), FeatureCsvReader::read, checksums));
                }
            }
            timeline = unionTimeline(v.video(), raw.values());
        }
        Map<String, AlignedFeatures> aligned = new LinkedHashMap<>();
        for (SetPlan set : plan.sets()) {
            String file = v.featureFiles().get(set.name());
            FeatureSeries s = raw.containsKey(set.name()) ? raw.get(set.name()) : read(file, FeatureCsvReader::read, checksums);
            if (s.width() != set.width()) {
                throw new InputDataException(files.describe(file) + ":1: feature set '" + set.name() + "' has "
                        + s.width() + " feature columns in video " + v.video() + " but " + set.width() + " elsewhere");
            }
            aligned.put(set.name(), LabelAligner.align(timeline.timestampsMs(), s, set.mode(), plan.labelPeriodMs()));
        }
        return new PreparedVideo(v.video(), v.partition(), timeline, aligned, List.copyOf(checksums));
    }

    static LabelTimeline unionTimeline(String video, Iterable<FeatureSeries> sets) {
        java.util.TreeMap<Long, Integer> segmentAt = new java.util.TreeMap<>();
        for (FeatureSeries s : sets) {
            for (int i = 0; i < s.rows(); i++) {
                int seg = s.segmentIds()[i];
                segmentAt.merge(s.timestampsMs()[i], seg, (a, b) -> a >= 0 ? a : b);
            }
        }
        long[] ts = new long[segmentAt.size()];
        int[] seg = new int[ts.length];
        int i = 0;
        for (Map.Entry<Long, Integer> e : segmentAt.entrySet()) {
            ts[i] = e.getKey();
            seg[i++] = e.getValue();
        }
        return LabelTimeline.unlabeled(video, ts, seg);
    }

    private <T> T read(String relative, BiFunction<Reader, String, T> parser, List<String> checksums) {
        CRC32C crc = new CRC32C();
        try (CheckedInputStream in = new CheckedInputStream(files.open(relative), crc)) {
            // The parsers read to the end of the file, so the checksum covers all of it.
            T out = parser.apply(new InputStreamReader(in, StandardCharsets.UTF_8), files.describe(relative));
            checksums.add(relative + "\t" + Long.toHexString(crc.getValue()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(files.describe(relative) + ": read failed: " + e.getMessage(), e);
        }
    }
}
