package io.museflow.learn.rnn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One direction's parameters (views into the layer's flat parameter vector).
 * {@code rb} is the recurrent-side bias: GRU needs it separately because r multiplies
 * {@code RW_n·h + rb_n}; LSTM has none ({@code rb} is null).
 */
public record RnnParams(INDArray w, INDArray rw, INDArray b, INDArray rb) {
}
