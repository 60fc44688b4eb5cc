package io.museflow.data;

import java.util.Arrays;

/** An emotion dimension a model predicts; {@link #key()} is its name in files, tables and configuration. */
public enum Target {
    AROUSAL("arousal"),
    VALENCE("valence");

    private final String key;

    Target(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** The target called {@code key}; anything else is an error that lists the targets. */
    public static Target of(String key) {
        for (Target t : values()) {
            if (t.key.equals(key)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown target '" + key + "' (targets: "
                + Arrays.stream(values()).map(Target::key).toList() + ")");
    }

    @Override
    public String toString() {
        return key;
    }
}
