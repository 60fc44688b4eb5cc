package io.museflow.learn.layers;

/**
 * How a network's weights start. The recurrent layers always start as PyTorch's do (uniform in
 * ±1/√hidden); the schemes differ in the attention block and the dense layers.
 */
public enum InitScheme {
    /**
     * Xavier everywhere: attention projections Xavier-uniform per matrix, dense layers DL4J's
     * Gaussian Xavier, zero biases.
     */
    XAVIER,
    /**
     * PyTorch's module defaults, as Sun et al.'s public code gets them: dense weights and biases
     * uniform in ±1/√fan_in (the output bias 0), the attention block's query/key/value projections
     * Xavier-uniform over the stacked {@code [3·width, width]} matrix with zero biases, its output
     * projection uniform in ±1/√width with a zero bias.
     */
    TORCH
}
