package io.museflow.learn.train;

/**
 * The training schedule of the method (method.md, "Training").
 *
 * @param lrPatience   epochs without a lower training loss before the learning rate is halved
 * @param minLr        the learning rate never goes below this
 * @param stopPatience epochs without a better devel CCC before training stops
 * @param plateau      what {@code lrPatience} watches
 * @param microBatch   windows per forward and backward pass: a larger minibatch is one step taken in
 *                     micro-batches, with the whole minibatch's gradient ({@link MicroBatches})
 */
public record TrainConfig(int maxEpochs, double learningRate, int batchSize, int lrPatience, double minLr,
                          int stopPatience, long seed, Plateau plateau, int microBatch) {
    /**
     * The largest learning rate a configuration accepts. Far above any useful Adam rate on purpose:
     * a grid may run past divergence (a learning-rate range test), and a rate that diverges gives
     * a {@code failed} trial row with its reason rather than refusing the whole grid.
     */
    public static final double MAX_LEARNING_RATE = 1e6;
    /**
     * Windows per pass unless configured ({@code micro-batch}). Small minibatches are untouched; the
     * papers' 1,024-window minibatches of 200 frames take about 1.7 MB of activations per window
     * with attention + BiLSTM, so 64 windows hold about 100 MB where a whole minibatch of 250 held
     * 400 (BENCHMARKS.md, "Resident memory").
     */
    public static final int DEFAULT_MICRO_BATCH = 64;

    public TrainConfig {
        if (maxEpochs < 1 || batchSize < 1 || lrPatience < 1 || stopPatience < 1 || microBatch < 1) {
            throw new IllegalArgumentException("maxEpochs, batchSize, microBatch and patiences must be positive");
        }
        if (!(learningRate > 0) || !(minLr > 0)) {
            throw new IllegalArgumentException("learning rates must be positive");
        }
        if (plateau == null) {
            throw new IllegalArgumentException("plateau must be set");
        }
    }

    /** The papers' schedule: at most 100 epochs, halve after 5 without a lower training loss, floor 1e-5, stop after 15. */
    public static TrainConfig papers(double learningRate, int batchSize, long seed) {
        return new TrainConfig(100, learningRate, batchSize, 5, 1e-5, 15, seed, Plateau.TRAIN_LOSS, DEFAULT_MICRO_BATCH);
    }

    public TrainConfig withMaxEpochs(int epochs) {
        return new TrainConfig(epochs, learningRate, batchSize, lrPatience, minLr, stopPatience, seed, plateau, microBatch);
    }

    public TrainConfig withPlateau(Plateau watched) {
        return new TrainConfig(maxEpochs, learningRate, batchSize, lrPatience, minLr, stopPatience, seed, watched, microBatch);
    }

    public TrainConfig withPatience(int lr, int stop) {
        return new TrainConfig(maxEpochs, learningRate, batchSize, lr, minLr, stop, seed, plateau, microBatch);
    }

    public TrainConfig withMicroBatch(int windows) {
        return new TrainConfig(maxEpochs, learningRate, batchSize, lrPatience, minLr, stopPatience, seed, plateau, windows);
    }
}
