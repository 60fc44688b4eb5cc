package io.museflow.learn.train;

/**
 * Model selection on devel: remembers the epoch with the highest score and says when
 * {@code patience} epochs in a row have brought no better one.
 */
public final class EarlyStopping {
    private final int patience;
    private double best = Double.NEGATIVE_INFINITY;
    private int bestEpoch;
    private int sinceBest;

    public EarlyStopping(int patience) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be positive, got " + patience);
        }
        this.patience = patience;
    }

    /** Records the score of {@code epoch}; true when it is the best so far (the caller keeps its weights). */
    public boolean observe(int epoch, double score) {
        if (score > best) {
            best = score;
            bestEpoch = epoch;
            sinceBest = 0;
            return true;
        }
        sinceBest++;
        return false;
    }

    public boolean shouldStop() {
        return sinceBest >= patience;
    }

    public int bestEpoch() {
        return bestEpoch;
    }
}
