package io.museflow.learn.fusion;

import io.museflow.learn.model.LossKind;
import io.museflow.learn.model.StackedRnnSpec;
import io.museflow.learn.rnn.CellType;
import io.museflow.learn.train.Sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The second-level model of late fusion (method.md, model 4): a recurrent regressor whose inputs
 * are the per-frame predictions of several unimodal models, optionally with the reconstruction
 * error of their feature sets. It trains on the unimodal models' predictions for the train
 * partition (cut into windows like any training data: {@link Sequence#windows}) and is selected on
 * devel.
 */
public final class LateFusion {
    /** Sun et al.: one BiLSTM layer of 32 cells. */
    public static final int SUN_HIDDEN = 32;
    /** Hamieh et al.: four bidirectional GRU layers (their regressor's body). */
    public static final int HAMIEH_LAYERS = 4;

    private LateFusion() {
    }

    public static StackedRnnSpec sun(int columns, int targets, LossKind loss) {
        return new StackedRnnSpec(columns, targets, 1, CellType.LSTM, true, SUN_HIDDEN, 0.0, loss);
    }

    public static StackedRnnSpec hamieh(int columns, int targets, int hidden, LossKind loss) {
        return new StackedRnnSpec(columns, targets, HAMIEH_LAYERS, CellType.GRU, true, hidden, 0.0, loss);
    }

    /** The frame-wise mean of the columns' values for one video: late fusion without a model. */
    public static float[] mean(List<FusionColumn> columns, String id) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("late fusion needs at least one input column");
        }
        float[] out = null;
        for (FusionColumn c : columns) {
            float[] v = c.of(id);
            if (out == null) {
                out = new float[v.length];
            } else if (v.length != out.length) {
                throw new IllegalArgumentException("late fusion: column " + c.name() + " has " + v.length
                        + " frames for video " + id + ", the first column " + out.length);
            }
            for (int t = 0; t < v.length; t++) {
                out[t] += v[t] / columns.size();
            }
        }
        return out;
    }

    /**
     * One whole-video sequence per id: input column {@code c} is {@code columns.get(c)}'s values for
     * that video; labels are frames × {@code targets} (NaN where not annotated).
     */
    public static List<Sequence> videos(List<String> ids, List<FusionColumn> columns, Map<String, float[]> labels,
                                        int targets) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("late fusion needs at least one input column");
        }
        List<Sequence> out = new ArrayList<>(ids.size());
        int k = columns.size();
        for (String id : ids) {
            float[] y = labels.get(id);
            if (y == null || y.length % targets != 0) {
                throw new IllegalArgumentException("late fusion: no labels of " + targets + " target(s) for video " + id);
            }
            int frames = y.length / targets;
            float[] x = new float[frames * k];
            for (int c = 0; c < k; c++) {
                float[] v = columns.get(c).of(id);
                if (v.length != frames) {
                    throw new IllegalArgumentException("late fusion: column " + columns.get(c).name() + " has "
                            + v.length + " frames for video " + id + ", its labels have " + frames);
                }
                for (int t = 0; t < frames; t++) {
                    x[t * k + c] = v[t];
                }
            }
            out.add(new Sequence(id, frames, k, targets, x, y));
        }
        return out;
    }
}
