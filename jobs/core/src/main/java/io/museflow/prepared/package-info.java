/**
 * The prepared data set's format: its tables (written by the prepare job with Spark, read by
 * sweep tasks with the Parquet library) and their provenance manifest.
 */
package io.museflow.prepared;
