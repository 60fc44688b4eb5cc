package io.museflow.submission;

import io.museflow.data.InputDataException;
import io.museflow.data.Partition;
import io.museflow.data.Target;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of one submission, validated: every video of the partition's timeline is present with
 * one finite prediction per label timestamp and dimension, timestamps strictly increasing and equal
 * to the timeline prepare derived. Built only through {@link #of}, so a submission that exists is
 * a valid one; the writer ({@link SubmissionWriter}) never checks again.
 *
 * @param videos in the challenge's order (numeric ids by number)
 */
public record Submission(SubmissionFormat format, Partition partition, List<Target> targets, List<Video> videos) {

    /** One video's timeline and, per exported dimension, its predictions frame by frame. */
    public record Video(String id, long[] timestampsMs, int[] segmentIds, Map<Target, float[]> predictions) {
    }

    /** A video's label timeline, as prepare derived it. */
    public record Timeline(long[] timestampsMs, int[] segmentIds) {
    }

    /**
     * A trial's predictions for one dimension, per video: the value and the timestamp the trial
     * wrote for each frame (NaN / {@link Long#MIN_VALUE} where it wrote none).
     */
    public record Predictions(String trialId, Map<String, float[]> values, Map<String, long[]> timestampsMs) {
    }

    public static Submission of(SubmissionFormat format, Partition partition, Map<String, Timeline> timeline,
                                Map<Target, Predictions> byTarget) {
        if (timeline.isEmpty()) {
            throw new InputDataException("the prepared data set has no " + partition.id() + " videos: nothing to submit");
        }
        for (Map.Entry<String, Timeline> e : timeline.entrySet()) {
            long[] ts = e.getValue().timestampsMs();
            for (int f = 1; f < ts.length; f++) {
                if (ts[f] <= ts[f - 1]) {
                    throw new InputDataException(partition.id() + " video " + e.getKey() + ": the timeline is not "
                            + "increasing at frame " + f + " (" + ts[f - 1] + " ms, then " + ts[f] + " ms)");
                }
            }
        }
        for (Map.Entry<Target, Predictions> e : byTarget.entrySet()) {
            check(partition, e.getKey(), e.getValue(), timeline);
        }
        List<String> ids = new ArrayList<>(timeline.keySet());
        ids.sort(CHALLENGE_ORDER);
        List<Video> videos = new ArrayList<>();
        for (String id : ids) {
            Map<Target, float[]> p = new LinkedHashMap<>();
            byTarget.forEach((t, pr) -> p.put(t, pr.values().get(id)));
            Timeline tl = timeline.get(id);
            videos.add(new Video(id, tl.timestampsMs(), tl.segmentIds(), p));
        }
        return new Submission(format, partition, List.copyOf(byTarget.keySet()), List.copyOf(videos));
    }

    private static void check(Partition partition, Target target, Predictions p, Map<String, Timeline> timeline) {
        String who = "trial " + p.trialId() + " (" + target + ")";
        for (String video : p.values().keySet()) {
            if (!timeline.containsKey(video)) {
                throw new InputDataException(who + " predicts " + partition.id() + " video " + video
                        + ", which the prepared data set's " + partition.id() + " partition does not hold");
            }
        }
        for (Map.Entry<String, Timeline> e : timeline.entrySet()) {
            String video = e.getKey();
            float[] values = p.values().get(video);
            if (values == null) {
                throw new InputDataException(who + " has no predictions for " + partition.id() + " video " + video);
            }
            long[] expected = e.getValue().timestampsMs();
            long[] written = p.timestampsMs().get(video);
            if (values.length != expected.length) {
                throw new InputDataException(who + ", " + partition.id() + " video " + video + ": " + values.length
                        + " predicted frames, the timeline has " + expected.length);
            }
            for (int f = 0; f < values.length; f++) {
                if (!Float.isFinite(values[f])) {
                    throw new InputDataException(who + ", " + partition.id() + " video " + video + " frame " + f + " ("
                            + expected[f] + " ms): prediction is " + (Float.isNaN(values[f]) ? "missing or NaN"
                            : values[f]));
                }
                // Files written before predictions carried timestamps have none: the frame index is
                // the timeline's by construction, so only a written timestamp can disagree.
                if (written != null && written[f] != Long.MIN_VALUE && written[f] != expected[f]) {
                    throw new InputDataException(who + ", " + partition.id() + " video " + video + " frame " + f
                            + ": predicted at " + written[f] + " ms, the timeline says " + expected[f] + " ms");
                }
            }
        }
    }

    /** Numeric video ids by number (MuSe ids are numbers), others by name, numbers first. */
    static final Comparator<String> CHALLENGE_ORDER = (a, b) -> {
        boolean na = isNumber(a);
        boolean nb = isNumber(b);
        if (na && nb) {
            return new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b));
        }
        return na ? -1 : nb ? 1 : a.compareTo(b);
    };

    private static boolean isNumber(String id) {
        return !id.isEmpty() && id.chars().allMatch(Character::isDigit);
    }

    public int rows() {
        return videos.stream().mapToInt(v -> v.timestampsMs().length).sum();
    }
}
