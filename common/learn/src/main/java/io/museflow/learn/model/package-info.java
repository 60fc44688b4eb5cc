/**
 * The papers' networks as typed specifications and builders: Sun et al.'s attention + BiLSTM,
 * Hamieh et al.'s stacked recurrent regressor, the auto-encoder reconstruction error.
 */
package io.museflow.learn.model;
