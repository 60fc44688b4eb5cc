/**
 * The result tables of trials and sweeps (trials, epochs, predictions, models, summaries) and
 * the layout of a sweep's output folder; one schema per table for writer and reader.
 */
package io.museflow.results;
