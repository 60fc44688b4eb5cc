package io.museflow.results;

/** How a trial ended; {@link #key()} is the trials table's {@code status} value. */
public enum TrialStatus {
    OK("ok"),
    /** It threw, diverged or ran out of memory; the row's {@code error} says why. */
    FAILED("failed");

    private final String key;

    TrialStatus(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static TrialStatus of(String key) {
        for (TrialStatus s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown trial status '" + key + "'");
    }
}
