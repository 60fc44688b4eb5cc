/**
 * Masked (bi)directional LSTM and GRU layers with explicit backpropagation through time, their
 * float and double cell loops, and the per-step BLAS product.
 */
package io.museflow.learn.rnn;
