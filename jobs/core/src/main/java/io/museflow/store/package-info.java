/**
 * Output folders and commits: files written under hidden temporary names and renamed into place
 * without overwrite, small Parquet files, the refusal to touch an output that belongs to another
 * run.
 */
package io.museflow.store;
