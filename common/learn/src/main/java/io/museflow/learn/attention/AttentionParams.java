package io.museflow.learn.attention;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Projections {@code [d, d]} with biases {@code [1, d]}, and the layer norm's γ and β. */
public record AttentionParams(INDArray wq, INDArray bq, INDArray wk, INDArray bk, INDArray wv, INDArray bv,
                              INDArray wo, INDArray bo, INDArray gamma, INDArray beta) {
}
