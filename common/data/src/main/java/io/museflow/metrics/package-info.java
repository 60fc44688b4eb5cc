/**
 * Evaluation metrics on plain arrays: the concordance correlation coefficient (CCC) and the
 * moments it is built from, computed over a whole partition's frames.
 */
package io.museflow.metrics;
