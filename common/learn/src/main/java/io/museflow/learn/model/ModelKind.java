package io.museflow.learn.model;

import java.util.Arrays;

/** The first-level model families a trial can train; {@link #key()} is the configuration's and the tables' name. */
public enum ModelKind {
    /** Sun et al. 2020: projection, self-attention blocks, BiLSTM, regression head ({@link SunModel}). */
    SUN("sun"),
    /** Hamieh et al. 2021: stacked (bi)GRU or LSTM layers, linear output ({@link StackedRnnModel}). */
    STACKED("stacked");

    private final String key;

    ModelKind(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static ModelKind of(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("unknown model '" + key + "' (models: "
                        + Arrays.stream(values()).map(ModelKind::key).toList() + ")"));
    }

    @Override
    public String toString() {
        return key;
    }
}
