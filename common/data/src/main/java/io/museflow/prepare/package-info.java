/**
 * Planning and preparing one MuSe package without Spark: the package scanner (layout, sets,
 * widths, files, from metadata only), the plan, and the per-video preparation that a Spark task
 * or a test runs.
 */
package io.museflow.prepare;
