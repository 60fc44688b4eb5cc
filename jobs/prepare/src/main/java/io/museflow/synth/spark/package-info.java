/**
 * The generate job: writes a synthetic MuSe package with one Spark task per video.
 */
package io.museflow.synth.spark;
