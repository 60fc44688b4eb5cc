/**
 * Benchmarks, not tests: training speed of the learning core's models and the per-pass timing of
 * a recurrent direction. Run by the scripts in bench/; figures in BENCHMARKS.md.
 */
package io.museflow.bench;
