package io.museflow.learn.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code 1 − CCC} per target over the unmasked frames, averaged over the targets, with its analytic
 * gradient. With {@link CccReduction#BATCH} one CCC covers all frames of the minibatch; with
 * {@link CccReduction#SEQUENCE} each sequence gets its own CCC and the loss is 1 − their mean; with
 * {@link CccReduction#BOTH} the loss is the mean of those two losses.
 *
 * <p>Per group of frames (the minibatch, or one sequence) with n unmasked frames, deviations
 * {@code a = p − p̄}, {@code b = y − ȳ}, N = 2·Σab/n and D = Σa²/n + Σb²/n + (p̄ − ȳ)²: CCC = N/D and
 * {@code ∂CCC/∂p_i = [2 b_i D − 2 N (a_i + p̄ − ȳ)] / (n D²)}. A group whose unmasked predictions and
 * labels are one identical constant (D = 0) has CCC 1 and zero gradient; a group (or target) with no
 * unmasked frame is left out of its mean.
 *
 * <p>Rows arrive in DL4J's flattened time-series order, row {@code r} = sequence {@code r mod S} at
 * step {@code r div S} for S sequences. The loss cannot see S: the output layer
 * ({@link io.museflow.learn.layers.FrameOutputLayer}) tells it before each evaluation through {@link #sequencesInBatch}.
 */
public class CccLoss extends MaskedFrameLoss {
    private static final long serialVersionUID = 2L;

    private CccReduction reduction = CccReduction.BATCH;
    /** Sequences in the minibatch being scored; set by the output layer, never serialized. */
    private transient int sequences;

    /** The flattened-minibatch CCC (also what models saved before the option existed deserialize to). */
    public CccLoss() {
    }

    public CccLoss(CccReduction reduction) {
        this.reduction = reduction;
    }

    public CccReduction getReduction() {
        return reduction;
    }

    public void setReduction(CccReduction reduction) {
        this.reduction = reduction;
    }

    /** The number of sequences whose frames the next rows interleave (see the class comment). */
    public void sequencesInBatch(int count) {
        this.sequences = count;
    }

    @Override
    protected double score(INDArray output, INDArray labels, INDArray mask) {
        return reduced(output, labels, mask, null);
    }

    @Override
    protected INDArray gradient(INDArray output, INDArray labels, INDArray mask) {
        double[] grad = new double[(int) output.length()];
        reduced(output, labels, mask, grad);
        return Nd4j.create(grad, output.shape(), 'c').castTo(output.dataType());
    }

    /** The loss of this reduction and, when {@code grad} is given, its gradient (see {@link #compute}). */
    private double reduced(INDArray output, INDArray labels, INDArray mask, double[] grad) {
        if (reduction == CccReduction.BATCH) {
            return compute(output, labels, mask, grad, 1);
        }
        int sequences = sequenceGroups(output.size(0));
        if (reduction == CccReduction.SEQUENCE) {
            return compute(output, labels, mask, grad, sequences);
        }
        double[] batchGrad = grad == null ? null : new double[grad.length];
        double loss = 0.5 * (compute(output, labels, mask, grad, sequences)
                + compute(output, labels, mask, batchGrad, 1));
        if (grad != null) {
            for (int i = 0; i < grad.length; i++) {
                grad[i] = 0.5 * (grad[i] + batchGrad[i]);
            }
        }
        return loss;
    }

    private int sequenceGroups(long rows) {
        if (sequences <= 0 || rows % sequences != 0) {
            throw new IllegalStateException("a per-sequence CCC needs the minibatch's sequence count (" + sequences
                    + " for " + rows + " rows): use it in a FrameOutputLayer");
        }
        return sequences;
    }

    /**
     * Returns 1 − the mean CCC over {@code groups} interleaved groups of rows and, when {@code grad}
     * is given, fills it (rows × targets, c order) with dLoss/dOutput.
     */
    private double compute(INDArray output, INDArray labels, INDArray mask, double[] grad, int groups) {
        int rows = (int) output.size(0);
        int targets = (int) output.size(1);
        double loss = 0;
        int usedTargets = 0;
        double[][] perTarget = new double[targets][];
        double[] n = new double[groups];
        double[] pMean = new double[groups];
        double[] yMean = new double[groups];
        double[] saa = new double[groups];
        double[] sbb = new double[groups];
        double[] sab = new double[groups];
        for (int j = 0; j < targets; j++) {
            double[] p = output.getColumn(j).toDoubleVector();
            double[] y = labels.getColumn(j).toDoubleVector();
            double[] m = mask.getColumn(j).toDoubleVector();
            java.util.Arrays.fill(n, 0);
            java.util.Arrays.fill(pMean, 0);
            java.util.Arrays.fill(yMean, 0);
            java.util.Arrays.fill(saa, 0);
            java.util.Arrays.fill(sbb, 0);
            java.util.Arrays.fill(sab, 0);
            for (int r = 0; r < rows; r++) {
                if (m[r] != 0) {
                    int g = r % groups;
                    n[g]++;
                    pMean[g] += p[r];
                    yMean[g] += y[r];
                }
            }
            int counted = 0;
            for (int g = 0; g < groups; g++) {
                if (n[g] > 0) {
                    pMean[g] /= n[g];
                    yMean[g] /= n[g];
                    counted++;
                }
            }
            if (counted == 0) {
                continue;
            }
            for (int r = 0; r < rows; r++) {
                if (m[r] != 0) {
                    int g = r % groups;
                    double a = p[r] - pMean[g];
                    double b = y[r] - yMean[g];
                    saa[g] += a * a;
                    sbb[g] += b * b;
                    sab[g] += a * b;
                }
            }
            double cccSum = 0;
            double[] num = new double[groups];
            double[] den = new double[groups];
            for (int g = 0; g < groups; g++) {
                if (n[g] == 0) {
                    continue;
                }
                double diff = pMean[g] - yMean[g];
                num[g] = 2 * sab[g] / n[g];
                den[g] = saa[g] / n[g] + sbb[g] / n[g] + diff * diff;
                cccSum += den[g] == 0 ? 1 : num[g] / den[g]; // identical constants: CCC 1
            }
            usedTargets++;
            loss += 1 - cccSum / counted;
            if (grad != null) {
                double[] gj = new double[rows];
                for (int r = 0; r < rows; r++) {
                    int g = r % groups;
                    if (m[r] == 0 || den[g] == 0) {
                        continue;
                    }
                    double a = p[r] - pMean[g];
                    double b = y[r] - yMean[g];
                    double dCcc = (2 * b * den[g] - 2 * num[g] * (a + pMean[g] - yMean[g])) / (n[g] * den[g] * den[g]);
                    gj[r] = -dCcc / counted;
                }
                perTarget[j] = gj;
            }
        }
        if (usedTargets == 0) {
            return 0;
        }
        if (grad != null) {
            for (int j = 0; j < targets; j++) {
                if (perTarget[j] != null) {
                    for (int r = 0; r < rows; r++) {
                        grad[r * targets + j] = perTarget[j][r] / usedTargets;
                    }
                }
            }
        }
        return loss / usedTargets;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && ((CccLoss) o).reduction == reduction;
    }

    @Override
    public int hashCode() {
        return super.hashCode() * 31 + reduction.hashCode();
    }

    @Override
    public String name() {
        return switch (reduction) {
            case BATCH -> "ccc";
            case SEQUENCE -> "ccc-per-sequence";
            case BOTH -> "ccc-per-sequence-and-batch";
        };
    }
}
