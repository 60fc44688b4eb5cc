package io.museflow.learn.fusion;

import java.util.Map;

/**
 * One per-frame input column of a late-fusion model, for whole videos: a unimodal model's
 * prediction for the fused target, or the reconstruction error of a feature set.
 *
 * @param name   what the column is (a trial id, {@code re:<feature set>}), for error messages
 * @param values per video id, one value per label frame
 */
public record FusionColumn(String name, Map<String, float[]> values) {
    public FusionColumn {
        values = Map.copyOf(values);
    }

    float[] of(String video) {
        float[] v = values.get(video);
        if (v == null) {
            throw new IllegalArgumentException("late fusion: column " + name + " has no values for video " + video);
        }
        return v;
    }
}
