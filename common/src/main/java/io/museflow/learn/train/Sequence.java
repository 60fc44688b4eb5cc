package io.museflow.learn.train;

/**
 * One training window or one whole devel/test video.
 *
 * @param features frames × inputs, row-major
 * @param labels   frames × targets, row-major; NaN where the annotation is missing (or absent, test)
 */
public record Sequence(String id, int frames, int inputs, int targets, float[] features, float[] labels) {
    public Sequence {
        if (features.length != (long) frames * inputs || labels.length != (long) frames * targets) {
            throw new IllegalArgumentException("sequence " + id + ": array sizes do not match " + frames + " frames");
        }
    }

    /** Label column {@code target} as its own array. */
    public float[] labelColumn(int target) {
        float[] out = new float[frames];
        for (int t = 0; t < frames; t++) {
            out[t] = labels[t * targets + target];
        }
        return out;
    }
}
