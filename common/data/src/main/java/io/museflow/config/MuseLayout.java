package io.museflow.config;

/**
 * The two MuSe package layouts. Paths are relative to the package root.
 * <ul>
 *   <li>2020 (MuSe-CaR / MuSe-Wild): {@code feature_segments/label_aligned/<set>/<video>.csv} and
 *       {@code feature_segments/unaligned/<set>/<video>.csv}; labels every 250 ms,
 *       {@code timestamp, value, segment_id}.</li>
 *   <li>2021 (Ulm-TSST / MuSe-Stress): {@code feature_segments/<set>/<video>.csv}; labels every
 *       500 ms, {@code timestamp, segment_id, value}.</li>
 * </ul>
 */
public enum MuseLayout {
    MUSE2020(250), MUSE2021(500);

    public static final String PARTITION_FILE = "metadata/partition.csv";
    public static final String[] DIMENSIONS = {"arousal", "valence"};
    /** muse2020 prefix naming the native-rate copy of a set that also exists label-aligned. */
    public static final String UNALIGNED_PREFIX = "unaligned/";

    private final long labelPeriodMs;

    MuseLayout(long labelPeriodMs) {
        this.labelPeriodMs = labelPeriodMs;
    }

    public long labelPeriodMs() {
        return labelPeriodMs;
    }

    public String id() {
        return this == MUSE2020 ? "muse2020" : "muse2021";
    }

    public static MuseLayout parse(String s) {
        return switch (s) {
            case "muse2020" -> MUSE2020;
            case "muse2021" -> MUSE2021;
            default -> null;
        };
    }

    public String labelFile(String dimension, String video) {
        return "label_segments/" + dimension + "/" + video + ".csv";
    }

    /** Directory of a feature set. {@code unaligned/<set>} names a 2020 native-rate set. */
    public String featureDir(String set, boolean nativeRate) {
        if (this == MUSE2021) {
            return "feature_segments/" + set;
        }
        String name = set.startsWith(UNALIGNED_PREFIX) ? set.substring(UNALIGNED_PREFIX.length()) : set;
        return "feature_segments/" + (nativeRate ? "unaligned/" : "label_aligned/") + name;
    }

    public String featureFile(String set, boolean nativeRate, String video) {
        return featureDir(set, nativeRate) + "/" + video + ".csv";
    }

    /** Columns of a label file, in this layout's order. */
    public String labelHeader() {
        return this == MUSE2020 ? "timestamp,value,segment_id" : "timestamp,segment_id,value";
    }
}
