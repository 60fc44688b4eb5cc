package io.museflow.learn.model;

import io.museflow.learn.loss.CccLoss;
import io.museflow.learn.loss.CccReduction;
import io.museflow.learn.loss.MaskedFrameLoss;
import io.museflow.learn.loss.MaskedL1;
import io.museflow.learn.loss.MaskedMse;

/** The training losses the papers compare. */
public enum LossKind {
    CCC, MSE, L1;

    /** The loss; {@code cccReduction} matters for CCC only (MSE and L1 are means over all unmasked frames). */
    public MaskedFrameLoss create(CccReduction cccReduction) {
        return switch (this) {
            case CCC -> new CccLoss(cccReduction);
            case MSE -> new MaskedMse();
            case L1 -> new MaskedL1();
        };
    }
}
