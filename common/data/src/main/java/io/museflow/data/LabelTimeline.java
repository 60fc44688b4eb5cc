package io.museflow.data;

import java.util.Arrays;

/**
 * The label frames of one video: the timestamps every feature set is aligned to, the segment id and
 * both label dimensions (NaN where masked or where the partition ships no labels, e.g. test).
 */
public record LabelTimeline(String video, long[] timestampsMs, int[] segmentIds, float[] arousal, float[] valence) implements java.io.Serializable {

    public int frames() {
        return timestampsMs.length;
    }

    /** Joins the arousal and valence files of one video; their timestamps must agree row by row. */
    public static LabelTimeline of(String video, LabelSeries arousal, LabelSeries valence) {
        if (!Arrays.equals(arousal.timestampsMs(), valence.timestampsMs())) {
            int n = Math.min(arousal.rows(), valence.rows());
            int i = 0;
            while (i < n && arousal.timestampsMs()[i] == valence.timestampsMs()[i]) {
                i++;
            }
            String where = i < n
                    ? "row " + (i + 1) + ": " + arousal.timestampsMs()[i] + " vs " + valence.timestampsMs()[i]
                    : arousal.rows() + " vs " + valence.rows() + " rows";
            throw new InputDataException("video " + video + ": label timestamps of " + arousal.source() + " and "
                    + valence.source() + " differ (" + where + ")");
        }
        int[] seg = arousal.segmentIds();
        boolean arousalHasSegments = Arrays.stream(seg).anyMatch(s -> s >= 0);
        if (!arousalHasSegments) {
            seg = valence.segmentIds();
        }
        return new LabelTimeline(video, arousal.timestampsMs(), seg, arousal.values(), valence.values());
    }

    /** A video without label files (test partitions): its timeline comes from a label-aligned feature set. */
    public static LabelTimeline unlabeled(String video, long[] timestampsMs, int[] segmentIds) {
        float[] nan = new float[timestampsMs.length];
        Arrays.fill(nan, Float.NaN);
        return new LabelTimeline(video, timestampsMs, segmentIds, nan, nan.clone());
    }

    public int labelledFrames() {
        int n = 0;
        for (int i = 0; i < arousal.length; i++) {
            if (!Float.isNaN(arousal[i]) || !Float.isNaN(valence[i])) {
                n++;
            }
        }
        return n;
    }
}
