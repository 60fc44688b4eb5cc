package io.museflow.learn.model;

import io.museflow.learn.loss.CccLoss;
import io.museflow.learn.loss.MaskedFrameLoss;
import io.museflow.learn.loss.MaskedL1;
import io.museflow.learn.loss.MaskedMse;

/** The training losses the papers compare. */
public enum LossKind {
    CCC, MSE, L1;

    public MaskedFrameLoss create() {
        return switch (this) {
            case CCC -> new CccLoss();
            case MSE -> new MaskedMse();
            case L1 -> new MaskedL1();
        };
    }
}
