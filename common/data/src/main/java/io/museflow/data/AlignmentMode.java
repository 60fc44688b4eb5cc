package io.museflow.data;

import java.util.Locale;

/** How a feature set reaches the label timestamps. */
public enum AlignmentMode {
    /** Label-aligned sets: one row per label timestamp, joined on equal timestamps. */
    JOIN,
    /** Native-rate sets (e.g. 10 ms descriptors): mean of the rows inside each label's window. */
    WINDOW_MEAN;

    public static AlignmentMode parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "join" -> JOIN;
            case "window-mean" -> WINDOW_MEAN;
            default -> null;
        };
    }

    public String id() {
        return this == JOIN ? "join" : "window-mean";
    }
}
