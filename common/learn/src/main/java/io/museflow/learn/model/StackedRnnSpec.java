package io.museflow.learn.model;

import io.museflow.learn.rnn.CellType;

/**
 * Hamieh et al. 2021's regressor: {@code layers} stacked (bi)LSTM/GRU layers of {@code hidden}
 * units, then a per-frame output of {@code targets} values (see {@link NetworkOptions}).
 *
 * @param dropRate dropout on each recurrent layer's input, as a drop rate (0 = none)
 */
public record StackedRnnSpec(int inputs, int targets, int layers, CellType cell, boolean bidirectional, int hidden,
                             double dropRate, LossKind loss, NetworkOptions options) {

    /** With museflow's original network choices. */
    public StackedRnnSpec(int inputs, int targets, int layers, CellType cell, boolean bidirectional, int hidden,
                          double dropRate, LossKind loss) {
        this(inputs, targets, layers, cell, bidirectional, hidden, dropRate, loss, NetworkOptions.ORIGINAL);
    }

    public StackedRnnSpec {
        if (inputs < 1 || targets < 1 || hidden < 1) {
            throw new IllegalArgumentException("inputs, targets and hidden must be positive");
        }
        if (layers < 1 || layers > 4) {
            throw new IllegalArgumentException("layers must be 1 to 4, got " + layers);
        }
        if (!(dropRate >= 0 && dropRate < 1)) {
            throw new IllegalArgumentException("dropRate must be in [0, 1), got " + dropRate);
        }
    }
}
