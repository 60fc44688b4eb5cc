package io.museflow.data;

/**
 * One label file ({@code timestamp, value, segment_id} in 2020, {@code timestamp, segment_id,
 * value} in 2021: read by header name). Masked labels (empty or NaN) are NaN.
 */
public record LabelSeries(String source, long[] timestampsMs, float[] values, int[] segmentIds) {
    public int rows() {
        return timestampsMs.length;
    }
}
