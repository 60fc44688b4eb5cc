/**
 * The prepare job: a MuSe package's CSVs to aligned, standardized, windowed Parquet, one video
 * per Spark task. Leaves jobs/prepare.jar, which carries no deep learning.
 */
package io.museflow.prepare.spark;
