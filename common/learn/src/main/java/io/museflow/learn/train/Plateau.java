package io.museflow.learn.train;

/** What the learning-rate schedule watches for a plateau. */
public enum Plateau {
    /** The epoch's mean training loss (the papers' text). */
    TRAIN_LOSS,
    /** 1 − the mean devel CCC over targets (Sun et al.'s public code). */
    DEVEL_CCC
}
