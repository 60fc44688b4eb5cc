package io.museflow.prepare;

import io.museflow.config.ConfigError;
import io.museflow.config.MuseLayout;
import io.museflow.config.PrepareConfig;
import io.museflow.data.AlignmentMode;
import io.museflow.data.FeatureCsvReader;
import io.museflow.data.InputDataException;
import io.museflow.data.Partition;
import io.museflow.data.PartitionTable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a {@link PreparePlan} from listings and header lines only, so that missing folders and
 * files, unknown sets and inconsistent widths fail in seconds, before any executor reads data.
 */
public final class PackageScanner {
    private final PackageFiles files;
    private final PrepareConfig cfg;

    public PackageScanner(PackageFiles files, PrepareConfig cfg) {
        this.files = files;
        this.cfg = cfg;
    }

    public PreparePlan scan() {
        try {
            return doScan();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + files.root() + " failed: " + e.getMessage(), e);
        }
    }

    private PreparePlan doScan() throws IOException {
        if (!files.isDirectory("")) {
            throw new InputDataException("input folder " + files.root() + " does not exist (key "
                    + PrepareConfig.SECTION + ".input)");
        }
        MuseLayout layout = cfg.layout() != null ? cfg.layout() : detectLayout();
        long period = cfg.labelPeriodMs() > 0 ? cfg.labelPeriodMs() : layout.labelPeriodMs();
        List<String> warnings = new ArrayList<>();

        if (!files.isFile(MuseLayout.PARTITION_FILE)) {
            throw new InputDataException(files.describe(MuseLayout.PARTITION_FILE) + ": missing (every package needs "
                    + "the Id,Proposal partition table)");
        }
        PartitionTable partitions;
        try (var in = new InputStreamReader(files.open(MuseLayout.PARTITION_FILE), StandardCharsets.UTF_8)) {
            partitions = PartitionTable.read(in, files.describe(MuseLayout.PARTITION_FILE));
        }
        for (String dim : MuseLayout.DIMENSIONS) {
            String dir = "label_segments/" + dim;
            if (!files.isDirectory(dir)) {
                throw new InputDataException(files.describe(dir) + ": missing label folder");
            }
        }

        Map<String, Boolean> available = availableSets(layout);
        List<String> names = cfg.featureSets().isEmpty() ? new ArrayList<>(available.keySet()) : cfg.featureSets();
        if (names.isEmpty()) {
            throw new InputDataException(files.describe("feature_segments") + ": holds no feature set folders");
        }
        Set<String> unknownKeys = new TreeSet<>(cfg.alignmentSets().keySet());
        unknownKeys.addAll(cfg.standardizeSets().keySet());
        unknownKeys.removeAll(names);
        if (!unknownKeys.isEmpty()) {
            throw new ConfigError(PrepareConfig.SECTION + ".alignment.sets / standardize.sets: "
                    + unknownKeys + " are not among the prepared feature sets " + names);
        }

        List<VideoPlan> videos = new ArrayList<>();
        List<String> listing = new ArrayList<>();
        listing.add(MuseLayout.PARTITION_FILE + "\t" + files.size(MuseLayout.PARTITION_FILE));
        Map<String, String> firstFile = new LinkedHashMap<>();
        for (String name : names) {
            if (!available.containsKey(name)) {
                throw new InputDataException("feature set '" + name + "' (key " + PrepareConfig.SECTION
                        + ".feature-sets) is not in " + files.describe("feature_segments") + "; found: "
                        + available.keySet());
            }
        }
        for (Map.Entry<String, Partition> e : partitions.byVideo().entrySet()) {
            String video = e.getKey();
            Partition partition = e.getValue();
            List<String> problems = new ArrayList<>();
            String arousal = layout.labelFile("arousal", video);
            String valence = layout.labelFile("valence", video);
            boolean hasA = files.isFile(arousal);
            boolean hasV = files.isFile(valence);
            boolean labelled = hasA && hasV;
            if (!labelled && (partition != Partition.TEST || hasA != hasV)) {
                problems.add("no label file " + files.describe(hasA ? valence : arousal));
            }
            Map<String, String> feats = new LinkedHashMap<>();
            for (String name : names) {
                String f = layout.featureFile(name, available.get(name), video);
                if (files.isFile(f)) {
                    feats.put(name, f);
                } else {
                    problems.add("no feature file " + files.describe(f));
                }
            }
            if (!problems.isEmpty()) {
                String msg = "video " + video + " (" + partition.id() + " in " + partitions.source() + "): "
                        + String.join("; ", problems);
                if (!cfg.skipMissing()) {
                    throw new InputDataException(msg + " (set " + PrepareConfig.SECTION
                            + ".on-missing = skip to leave such videos out)");
                }
                warnings.add("skipped " + msg);
                continue;
            }
            if (labelled) {
                listing.add(arousal + "\t" + files.size(arousal));
                listing.add(valence + "\t" + files.size(valence));
            }
            for (Map.Entry<String, String> f : feats.entrySet()) {
                listing.add(f.getValue() + "\t" + files.size(f.getValue()));
                firstFile.putIfAbsent(f.getKey(), f.getValue());
            }
            videos.add(new VideoPlan(video, partition, labelled ? arousal : null, labelled ? valence : null, Map.copyOf(feats)));
        }
        if (videos.stream().noneMatch(v -> v.partition() == Partition.TRAIN)) {
            throw new InputDataException(partitions.source() + ": no usable train video (standardization and "
                    + "windows are fitted on train)");
        }
        if (partitions.duplicatedRows() > 0) {
            warnings.add(partitions.source() + ": " + partitions.duplicatedRows() + " duplicated row(s) ignored");
        }

        List<SetPlan> sets = new ArrayList<>();
        for (String name : names) {
            boolean nativeRate = available.get(name);
            String first = firstFile.get(name);
            List<String> columns = Arrays.asList(header(first));
            AlignmentMode mode = alignment(name, nativeRate, layout, first, period);
            sets.add(new SetPlan(name, nativeRate, mode, cfg.standardize(name), List.copyOf(columns)));
            checkWidths(name, columns.size(), first, videos);
        }
        boolean anyJoined = sets.stream().anyMatch(s -> s.mode() == AlignmentMode.JOIN);
        if (!anyJoined && videos.stream().anyMatch(v -> !v.labelled())) {
            throw new InputDataException("test videos without label files need a label-aligned feature set for their "
                    + "timestamps, but every selected set is native-rate: " + names);
        }
        listing.sort(null);
        return new PreparePlan(layout, period, List.copyOf(sets), List.copyOf(videos),
                List.copyOf(warnings), partitions.duplicatedRows(), List.copyOf(listing));
    }

    private MuseLayout detectLayout() throws IOException {
        if (files.isDirectory("feature_segments/label_aligned") || files.isDirectory("feature_segments/unaligned")) {
            return MuseLayout.MUSE2020;
        }
        if (files.isDirectory("feature_segments")) {
            return MuseLayout.MUSE2021;
        }
        throw new InputDataException(files.describe("feature_segments") + ": missing (is "
                + PrepareConfig.SECTION + ".input a MuSe package root?)");
    }

    /** Set name → native-rate (2020 unaligned/). */
    private Map<String, Boolean> availableSets(MuseLayout layout) throws IOException {
        Map<String, Boolean> out = new LinkedHashMap<>();
        if (layout == MuseLayout.MUSE2021) {
            for (String s : dirs("feature_segments")) {
                out.put(s, false);
            }
            return out;
        }
        for (String s : dirs("feature_segments/label_aligned")) {
            out.put(s, false);
        }
        for (String s : dirs("feature_segments/unaligned")) {
            out.put(out.containsKey(s) ? MuseLayout.UNALIGNED_PREFIX + s : s, true);
        }
        return out;
    }

    private List<String> dirs(String dir) throws IOException {
        if (!files.isDirectory(dir)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String n : files.list(dir)) {
            if (!n.startsWith(".") && !n.startsWith("_") && files.isDirectory(dir + "/" + n)) {
                out.add(n);
            }
        }
        return out;
    }

    private AlignmentMode alignment(String name, boolean nativeRate, MuseLayout layout, String file, long period)
            throws IOException {
        AlignmentMode explicit = cfg.alignmentSets().get(name);
        if (explicit != null) {
            return explicit;
        }
        if (cfg.alignmentDefault() != null) {
            return cfg.alignmentDefault();
        }
        if (layout == MuseLayout.MUSE2020) {
            return nativeRate ? AlignmentMode.WINDOW_MEAN : AlignmentMode.JOIN;
        }
        return medianStepMs(file) * 2 < period ? AlignmentMode.WINDOW_MEAN : AlignmentMode.JOIN;
    }

    /** Median timestamp step over the first rows of a file: tells native-rate sets from aligned ones. */
    private long medianStepMs(String file) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(files.open(file), StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null) {
                throw new InputDataException(files.describe(file) + ": file is empty (expected a header line)");
            }
            List<String> cols = Arrays.asList(header.replace("\"", "").split(",", -1));
            int ts = cols.indexOf("timestamp");
            if (ts < 0) {
                throw new InputDataException(files.describe(file) + ":1: missing required column 'timestamp'");
            }
            List<Long> steps = new ArrayList<>();
            double prev = Double.NaN;
            String line;
            while (steps.size() < 64 && (line = r.readLine()) != null) {
                String[] f = line.split(",", -1);
                if (ts >= f.length) {
                    break; // the full read reports the malformed line precisely
                }
                try {
                    double t = Double.parseDouble(f[ts].trim());
                    if (!Double.isNaN(prev)) {
                        steps.add(Math.round(t - prev));
                    }
                    prev = t;
                } catch (NumberFormatException e) {
                    break;
                }
            }
            if (steps.isEmpty()) {
                return Long.MAX_VALUE;
            }
            steps.sort(null);
            return steps.get(steps.size() / 2);
        }
    }

    private String[] header(String file) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(files.open(file), StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null || header.isBlank()) {
                throw new InputDataException(files.describe(file) + ": file is empty (expected a header line)");
            }
            return FeatureCsvReader.featureNames(header.startsWith("\uFEFF") ? header.substring(1) : header);
        }
    }

    /** Every video of a set must have as many feature columns as the first: models have fixed input widths. */
    private void checkWidths(String set, int width, String first, List<VideoPlan> videos) throws IOException {
        for (VideoPlan v : videos) {
            String f = v.featureFiles().get(set);
            int w = header(f).length;
            if (w != width) {
                throw new InputDataException(files.describe(f) + ":1: feature set '" + set + "' has " + w
                        + " feature columns in video " + v.video() + " but " + width + " in " + files.describe(first));
            }
        }
    }
}
