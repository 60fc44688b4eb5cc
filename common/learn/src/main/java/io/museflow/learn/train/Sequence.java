package io.museflow.learn.train;

import io.museflow.data.Window;
import io.museflow.data.Windower;

import java.util.ArrayList;
import java.util.List;

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

    /** Training windows cut from whole videos (the last one of a video may be shorter: padded in a batch). */
    public static List<Sequence> windows(List<Sequence> videos, Windower windower) {
        List<Sequence> out = new ArrayList<>();
        for (Sequence v : videos) {
            for (Window w : windower.windows(v.frames())) {
                out.add(v.slice(w));
            }
        }
        return out;
    }

    /** Frames {@code [w.start(), w.end())} as their own sequence, named {@code id#index}. */
    public Sequence slice(Window w) {
        if (w.start() < 0 || w.end() > frames) {
            throw new IllegalArgumentException("window " + w + " is outside sequence " + id + " of " + frames + " frames");
        }
        float[] x = new float[w.length() * inputs];
        System.arraycopy(features, w.start() * inputs, x, 0, x.length);
        float[] y = new float[w.length() * targets];
        System.arraycopy(labels, w.start() * targets, y, 0, y.length);
        return new Sequence(id + "#" + w.index(), w.length(), inputs, targets, x, y);
    }
}
