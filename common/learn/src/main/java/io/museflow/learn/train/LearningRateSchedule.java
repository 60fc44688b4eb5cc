package io.museflow.learn.train;

/**
 * The papers' learning-rate policy: halve the rate after {@code patience} consecutive epochs in
 * which the watched value (lower is better) did not go below its best so far, never below
 * {@code floor}. After a halving the count starts again.
 */
public final class LearningRateSchedule {
    private final int patience;
    private final double floor;
    private double rate;
    private double best = Double.POSITIVE_INFINITY;
    private int sinceBest;

    public LearningRateSchedule(double initial, int patience, double floor) {
        if (patience < 1 || !(initial > 0) || !(floor > 0)) {
            throw new IllegalArgumentException("need a positive rate, patience and floor");
        }
        this.rate = initial;
        this.patience = patience;
        this.floor = floor;
    }

    public double rate() {
        return rate;
    }

    /** Records one epoch's watched value; returns the learning rate for the next epoch. */
    public double observe(double value) {
        if (value < best) {
            best = value;
            sinceBest = 0;
        } else if (++sinceBest >= patience && rate > floor) {
            rate = Math.max(floor, rate / 2);
            sinceBest = 0;
        }
        return rate;
    }
}
