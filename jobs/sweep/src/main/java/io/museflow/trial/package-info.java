/**
 * One trial without Spark: the prepared data it reads (train windows, whole devel and test
 * videos), training with the papers' schedule, prediction of every partition with the best model.
 */
package io.museflow.trial;
