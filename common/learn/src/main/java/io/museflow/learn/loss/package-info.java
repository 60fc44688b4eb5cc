/**
 * Masked frame losses: CCC (per sequence or over the minibatch), MSE and L1; padded and missing
 * frames carry no loss and no gradient.
 */
package io.museflow.learn.loss;
