/**
 * What every Spark entry point shares: argument handling, the session, one-line failures with an
 * exit status, progress lines and the code version recorded in every output.
 */
package io.museflow.job;
