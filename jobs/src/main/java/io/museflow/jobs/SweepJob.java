package io.museflow.jobs;

/**
 * {@code spark-submit jobs/sweep.jar --grid FILE}: the hyperparameter sweep. The jar is built with
 * the Deeplearning4j stack today so that its packaging and the CUDA profile are settled; the
 * sweep itself is not implemented yet and says so instead of pretending to run.
 */
public final class SweepJob {
    private SweepJob() {
    }

    public static void main(String[] args) {
        System.err.println("sweep: not implemented yet in this version of museflow (prepare and generate are); "
                + "see the project's open issues");
        System.exit(3);
    }
}
