/**
 * A seeded generator of synthetic MuSe packages in the real layouts (muse2020, muse2021), with
 * the real quirks and difficulty knobs, for the demo, the tests and the benchmarks.
 */
package io.museflow.synth;
