/**
 * The schema of every table museflow writes, one definition each, in pure Java: the prepared data
 * set's tables ({@link io.museflow.table.PreparedSchema}) and a sweep's result tables
 * ({@link io.museflow.table.ResultSchema}). Writers derive their Spark or Parquet schemas from these
 * and readers take their column names from them.
 */
package io.museflow.table;
