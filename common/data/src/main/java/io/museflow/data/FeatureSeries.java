package io.museflow.data;

/**
 * One feature CSV as read: strictly increasing timestamps (ms), an optional segment id per row,
 * and a row-major value matrix where missing cells are NaN.
 *
 * @param source   file name used in messages
 * @param names    feature column names (meta columns removed)
 * @param timestampsMs one per row, strictly increasing
 * @param segmentIds per row, -1 where the file has no segment_id column or cell
 * @param values   rows × names.length, row-major
 * @param nanCells number of empty or NaN cells
 */
public record FeatureSeries(String source, String[] names, long[] timestampsMs, int[] segmentIds, float[] values,
                            long nanCells) {
    public int width() {
        return names.length;
    }

    public int rows() {
        return timestampsMs.length;
    }
}
