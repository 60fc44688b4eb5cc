/**
 * The data logic of a MuSe package in pure Java: reading feature and label CSVs, aligning
 * feature rows to label frames, standardization moments, windowing, partitions. Bad input is an
 * InputDataException that names the file and line or video.
 */
package io.museflow.data;
