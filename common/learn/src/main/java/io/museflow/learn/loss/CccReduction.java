package io.museflow.learn.loss;

/**
 * Over what the CCC loss takes its means. The two published codes differ here, and the choice
 * changes what a model learns: one CCC over a whole minibatch rewards getting every window's level
 * right, a CCC per window rewards following each window's ups and downs.
 */
public enum CccReduction {
    /** One CCC per sequence of the minibatch, averaged over the sequences (Sun et al.'s public PyTorch code). */
    SEQUENCE,
    /** One CCC over all frames of the minibatch flattened (the MuSe 2020 TensorFlow baseline). */
    BATCH,
    /**
     * The mean of the two losses: each window's ups and downs and the level across windows. (Neither
     * paper; on the parity benchmark the per-sequence CCC won arousal from BERT and VGGFace, museflow's
     * first network, with the minibatch CCC, won valence.)
     */
    BOTH
}
