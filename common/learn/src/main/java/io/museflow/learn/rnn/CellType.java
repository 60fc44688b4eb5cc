package io.museflow.learn.rnn;

/** Recurrent cell: gate layout and parameter shapes follow PyTorch's, so benchmark twins match. */
public enum CellType {
    /** Gates i, f, g, o; W [nIn, 4H], RW [H, 4H], b [1, 4H]. */
    LSTM(4),
    /** Gates r, z, n; W [nIn, 3H], RW [H, 3H], b [1, 3H] (input side), rb [1, 3H] (recurrent side). */
    GRU(3);

    private final int gates;

    CellType(int gates) {
        this.gates = gates;
    }

    public int gates() {
        return gates;
    }
}
