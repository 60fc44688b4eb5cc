package io.museflow.synth;

/** How a synthetic feature set depends on the latent arousal and valence processes. */
public enum Modality {
    /** Label-aligned; mostly arousal, linear and quadratic; occasional corrupted stretches. */
    AUDIO,
    /** Label-aligned; both dimensions weakly; stretches of absent rows (no face detected). */
    VIDEO,
    /** Label-aligned, starting at 500 ms; valence lagged by 2 s, nonlinear, piecewise constant per word. */
    TEXT,
    /** 10 ms rows (muse2020: under unaligned/); arousal under heavy per-row noise that averaging removes. */
    NATIVE_AUDIO;

    public static Modality parse(String s) {
        return switch (s) {
            case "audio" -> AUDIO;
            case "video" -> VIDEO;
            case "text" -> TEXT;
            case "native-audio" -> NATIVE_AUDIO;
            default -> null;
        };
    }

    public boolean nativeRate() {
        return this == NATIVE_AUDIO;
    }
}
