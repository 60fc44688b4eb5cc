package io.museflow.learn.fusion;

import java.util.Arrays;

/** The second-level (late-fusion) model families; {@link #key()} is the configuration's and the tables' name. */
public enum FusionModel {
    /** Sun et al. 2020: one BiLSTM of {@link LateFusion#SUN_HIDDEN} cells. */
    SUN("sun"),
    /** Hamieh et al. 2021: 4 × BiGRU of the configured hidden size. */
    HAMIEH("hamieh"),
    /**
     * No model: the frame-wise mean of the sources' predictions, untrained. The baseline a learned
     * fusion has to beat; the sweep adds one beside every learned fusion.
     */
    MEAN("mean");

    private final String key;

    FusionModel(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static FusionModel of(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("unknown fusion model '" + key + "' (models: "
                        + Arrays.stream(values()).map(FusionModel::key).toList() + ")"));
    }

    @Override
    public String toString() {
        return key;
    }
}
