package io.museflow.learn.train;

/** The loss became NaN or infinite: the trial failed, with this as its reason. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
