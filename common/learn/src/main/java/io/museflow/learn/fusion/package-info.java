/**
 * Late fusion: the second-level model's inputs, built from first-level predictions and
 * reconstruction-error columns.
 */
package io.museflow.learn.fusion;
