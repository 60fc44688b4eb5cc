/**
 * Spark entry points for one trial: the single-trial command, and the export of a trial's arrays
 * for the PyTorch twin of the benchmarks.
 */
package io.museflow.trial.spark;
