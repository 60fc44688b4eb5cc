/**
 * The sweep: a grid of trials as typed values, fanned out one Spark task per trial, resumable
 * and exactly once, then late fusion of the best trials per feature set.
 */
package io.museflow.sweep;
