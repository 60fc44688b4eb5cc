package io.museflow.data;

/**
 * One feature set of one video at the label timestamps, before standardization.
 *
 * @param values        frames × width, row-major; NaN cells stay NaN, missing frames are all NaN
 * @param valid         per frame: the feature set had data for this label timestamp
 * @param missingFrames frames with {@code valid = false}
 * @param nanCells      NaN cells inside valid frames
 * @param unusedRows    input rows that fell on no label timestamp (e.g. in cut parts of the video)
 */
public record AlignedFeatures(int frames, int width, float[] values, boolean[] valid, int missingFrames,
                              long nanCells, int unusedRows) implements java.io.Serializable {

    public double coverage() {
        return frames == 0 ? 0 : (frames - missingFrames) / (double) frames;
    }
}
