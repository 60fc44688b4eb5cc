/**
 * Sun et al.'s self-attention block (multi-head attention, residual, layer norm) with explicit
 * backpropagation over padded sequences.
 */
package io.museflow.learn.attention;
