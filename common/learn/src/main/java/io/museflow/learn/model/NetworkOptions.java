package io.museflow.learn.model;

import io.museflow.learn.layers.InitScheme;
import io.museflow.learn.loss.CccReduction;

/**
 * The choices where museflow's first networks and Sun et al.'s public PyTorch code differ, each
 * one switch ({@code museflow.trial} keys {@code ccc-reduction}, {@code head}, {@code projection-bias},
 * {@code init}).
 *
 * @param cccReduction   over what the CCC loss takes its means (no effect on the MSE and L1 losses)
 * @param head           units of a ReLU layer between the body and the per-frame linear output
 *                       ({@code Linear → ReLU → Linear}); 0 = the linear output alone
 * @param projectionBias whether the attention block's input projection has a bias
 * @param init           how weights start
 */
public record NetworkOptions(CccReduction cccReduction, int head, boolean projectionBias, InitScheme init)
        implements java.io.Serializable {

    /** museflow's first networks: one CCC per minibatch, linear output, biased projection, Xavier. */
    public static final NetworkOptions ORIGINAL = new NetworkOptions(CccReduction.BATCH, 0, true, InitScheme.XAVIER);
    /** Sun et al.'s public code: CCC per window, Linear(64) → ReLU → Linear, bias-free projection, PyTorch init. */
    public static final NetworkOptions REFERENCE = new NetworkOptions(CccReduction.SEQUENCE, 64, false, InitScheme.TORCH);

    public NetworkOptions {
        if (head < 0) {
            throw new IllegalArgumentException("head must be 0 (none) or a number of units, got " + head);
        }
    }
}
