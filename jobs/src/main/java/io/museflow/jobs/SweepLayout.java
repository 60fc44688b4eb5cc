package io.museflow.jobs;

/** Folders of a sweep's output; README.md ("Sweep results") documents their columns. */
final class SweepLayout {
    static final String TRIALS = "trials";
    static final String EPOCHS = "epochs";
    static final String PREDICTIONS = "predictions";
    static final String MODELS = "models";
    static final String SUMMARY = "summary";
    static final String BEST = "best";
    static final String SEEDS = "seeds";

    private SweepLayout() {
    }
}
