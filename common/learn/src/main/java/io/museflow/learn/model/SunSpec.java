package io.museflow.learn.model;

/**
 * Sun et al. 2020's model and its ablations: input projection to {@code width} (when it differs
 * from the input width) → {@code attentionLayers} self-attention blocks of {@code heads} heads →
 * {@code lstmLayers} BiLSTM layers of {@code hidden} units → per-frame output (linear, or a ReLU head
 * and linear: {@link NetworkOptions}).
 * The paper's model is 1 attention + 1 BiLSTM; its "LSTM" ablation 0 + 2; "Self-Attn" 2 + 0.
 */
public record SunSpec(int inputs, int targets, int width, int heads, int attentionLayers, int lstmLayers, int hidden,
                      double dropRate, LossKind loss, NetworkOptions options) {

    /** With museflow's original network choices. */
    public SunSpec(int inputs, int targets, int width, int heads, int attentionLayers, int lstmLayers, int hidden,
                   double dropRate, LossKind loss) {
        this(inputs, targets, width, heads, attentionLayers, lstmLayers, hidden, dropRate, loss, NetworkOptions.ORIGINAL);
    }

    public SunSpec {
        if (attentionLayers < 0 || lstmLayers < 0 || attentionLayers + lstmLayers == 0) {
            throw new IllegalArgumentException("need at least one attention or BiLSTM layer");
        }
        if (attentionLayers > 0 && width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " is not divisible by " + heads + " heads");
        }
        if (!(dropRate >= 0 && dropRate < 1)) {
            throw new IllegalArgumentException("dropRate must be in [0, 1), got " + dropRate);
        }
    }
}
