package io.museflow.data;

import java.util.Locale;

/** The three MuSe partitions. */
public enum Partition {
    TRAIN, DEVEL, TEST;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "train" / "devel" / "test" (any case; "dev" and "validation" are common aliases). */
    public static Partition parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "train" -> TRAIN;
            case "devel", "dev", "validation" -> DEVEL;
            case "test" -> TEST;
            default -> null;
        };
    }
}
