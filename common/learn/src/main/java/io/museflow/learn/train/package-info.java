/**
 * The papers' training schedule as small policies beside a short loop: learning-rate halving on
 * a plateau with a floor, early stopping, best-epoch restore.
 */
package io.museflow.learn.train;
