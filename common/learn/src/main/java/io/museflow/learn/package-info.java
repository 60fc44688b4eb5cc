/**
 * The learning core on Deeplearning4j/ND4J: trial specifications and the native helpers the
 * layers share (BLAS products on host rows, off-heap release, two-way parallel passes). Nothing
 * here knows Spark.
 */
package io.museflow.learn;
