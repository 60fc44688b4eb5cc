package io.museflow.learn.attention;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Sun et al.'s attention block, {@code S = LayerNorm(X + MHA(X))}, over a batch of padded
 * sequences, with explicit backpropagation (DL4J's SelfAttentionLayer returns doubled gradients and
 * swaps fan-in/fan-out: stack.md defects 1 and 5).
 *
 * <p>Layout: rows are {@code b·T + t}, i.e. {@code x} is {@code [mb·T, d]}, the mask {@code [mb·T, 1]}.
 * Projections are one GEMM over all rows; scaled dot-product attention is one batched product over
 * all (sequence, head) pairs, {@code [mb·heads, T, d/heads]}. Padded keys get no attention weight (key padding mask);
 * padded rows of the output are 0. Hence padding changes neither real outputs nor any gradient.
 */
public final class AttentionPass {
    private static final double MASKED = -1e9;

    /** Inference works on at most this many score elements at a time (64 MB as float). */
    static final long INFERENCE_SCORE_BUDGET = 16L << 20;

    private final int heads;
    private final long inferenceScoreBudget;

    public AttentionPass(int heads) {
        this(heads, INFERENCE_SCORE_BUDGET);
    }

    AttentionPass(int heads, long inferenceScoreBudget) {
        this.heads = heads;
        this.inferenceScoreBudget = inferenceScoreBudget;
    }

    public static final class Cache {
        final INDArray x;
        final INDArray mask;
        final int mb;
        final int steps;
        final INDArray q;         // [mb·heads, T, dh], heads split out
        final INDArray k;
        final INDArray v;
        final INDArray weights;   // [mb·heads, T, T] softmax weights; null after inference
        final INDArray context;   // [mb·T, d]
        final LayerNormPass.Cache norm;
        final INDArray out;

        Cache(INDArray x, INDArray mask, int mb, int steps, INDArray q, INDArray k, INDArray v, INDArray weights,
              INDArray context, LayerNormPass.Cache norm, INDArray out) {
            this.x = x;
            this.mask = mask;
            this.mb = mb;
            this.steps = steps;
            this.q = q;
            this.k = k;
            this.v = v;
            this.weights = weights;
            this.context = context;
            this.norm = norm;
            this.out = out;
        }

        public INDArray output() {
            return out;
        }
    }

    /** Gradients in the order of {@link AttentionParams}, plus the input's. */
    public record Gradients(INDArray dx, INDArray dwq, INDArray dbq, INDArray dwk, INDArray dbk, INDArray dwv,
                            INDArray dbv, INDArray dwo, INDArray dbo, INDArray dGamma, INDArray dBeta) {
    }

    /** {@code [mb·T, heads·dh]} rows → {@code [mb·heads, T, dh]}: one matrix per (sequence, head). */
    private INDArray splitHeads(INDArray rows, int mb, int steps) {
        int dh = (int) rows.size(1) / heads;
        return rows.reshape('c', mb, steps, heads, dh).permute(0, 2, 1, 3).dup('c')
                .reshape('c', (long) mb * heads, steps, dh);
    }

    /** Inverse of {@link #splitHeads}. */
    private INDArray mergeHeads(INDArray perHead, int mb, int steps) {
        long dh = perHead.size(2);
        return perHead.reshape('c', mb, heads, steps, dh).permute(0, 2, 1, 3).dup('c')
                .reshape('c', (long) mb * steps, heads * dh);
    }

    private static INDArray groups(INDArray perHead, long from, long to) {
        return perHead.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /**
     * Softmax weights of groups {@code [from, to)}: {@code softmax(Q Kᵀ · scale + keyMask)} over keys.
     * {@code keyMask} is {@code [mb·heads, T]}: 0 for real keys, a large negative number for padded ones.
     */
    private static INDArray weights(INDArray q, INDArray k, INDArray keyMask, long from, long to, double scale) {
        INDArray scores = Nd4j.matmul(groups(q, from, to), groups(k, from, to), null, false, true, false).muli(scale);
        INDArray maskRows = keyMask.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
        Nd4j.getExecutioner().exec(new BroadcastAddOp(scores, maskRows, scores, 0, 2));
        Nd4j.exec(new SoftMax(scores, scores, 2));
        return scores;
    }

    public Cache forward(INDArray x, INDArray mask, int mb, AttentionParams p) {
        return forward(x, mask, mb, p, true);
    }

    /**
     * All (sequence, head) pairs are computed as one batched product. For inference
     * ({@code keepWeights} false) they are taken in chunks whose {@code [T, T]} scores fit a fixed
     * budget and are released at once: a 6,000-frame video has 36 M scores per head.
     */
    public Cache forward(INDArray x, INDArray mask, int mb, AttentionParams p, boolean keepWeights) {
        int steps = (int) (x.size(0) / mb);
        int d = (int) x.size(1);
        if (d % heads != 0) {
            throw new IllegalArgumentException("model width " + d + " is not divisible by " + heads + " heads");
        }
        double scale = 1.0 / Math.sqrt((double) d / heads);
        INDArray q = splitHeads(x.mmul(p.wq()).addiRowVector(p.bq()), mb, steps);
        INDArray k = splitHeads(x.mmul(p.wk()).addiRowVector(p.bk()), mb, steps);
        INDArray v = splitHeads(x.mmul(p.wv()).addiRowVector(p.bv()), mb, steps);
        INDArray keyMask = mask.reshape('c', mb, 1, steps).rsub(1.0).muli(MASKED)
                .repeat(1, heads).reshape('c', (long) mb * heads, steps);
        long groupCount = (long) mb * heads;
        long chunk = keepWeights ? groupCount
                : Math.max(1, Math.min(groupCount, inferenceScoreBudget / ((long) steps * steps)));
        INDArray contextPerHead = Nd4j.create(x.dataType(), groupCount, steps, d / heads);
        INDArray kept = null;
        for (long from = 0; from < groupCount; from += chunk) {
            long to = Math.min(groupCount, from + chunk);
            INDArray a = weights(q, k, keyMask, from, to, scale);
            Nd4j.matmul(a, groups(v, from, to), groups(contextPerHead, from, to), false, false, false);
            if (keepWeights) {
                kept = a;
            } else {
                // ND4J frees off-heap memory only when the GC collects the array; release it now.
                a.close();
            }
        }
        INDArray context = mergeHeads(contextPerHead, mb, steps);
        INDArray residual = context.mmul(p.wo()).addiRowVector(p.bo()).addi(x);
        LayerNormPass.Cache norm = LayerNormPass.normalize(residual);
        INDArray out = LayerNormPass.scale(norm, p.gamma(), p.beta()).muliColumnVector(mask);
        return new Cache(x, mask, mb, steps, q, k, v, kept, context, norm, out);
    }

    public Gradients backward(Cache c, INDArray dOut, AttentionParams p) {
        if (c.weights == null) {
            throw new IllegalStateException("backward needs a forward pass that kept its attention weights");
        }
        int d = (int) c.x.size(1);
        double scale = 1.0 / Math.sqrt((double) d / heads);
        INDArray dS = dOut.mulColumnVector(c.mask);
        INDArray[] ln = LayerNormPass.backward(c.norm, dS, p.gamma());
        INDArray dR = ln[0];
        INDArray dwo = c.context.transpose().mmul(dR);
        INDArray dbo = dR.sum(true, 0);
        INDArray dContext = splitHeads(dR.mmul(p.wo().transpose()), c.mb, c.steps);
        INDArray a = c.weights;
        INDArray dA = Nd4j.matmul(dContext, c.v, null, false, true, false);
        INDArray dv = mergeHeads(Nd4j.matmul(a, dContext, null, true, false, false), c.mb, c.steps);
        // softmax backward per row: dScores = A ⊙ (dA − Σ_j dA ⊙ A), then the 1/√dh scale.
        // Σ_j dA_ij·A_ij = Σ_j A_ij (dC_i · v_j) = dC_i · C_i with C = A·V the head's context: a
        // [groups, T, dh] product instead of one more [groups, T, T] temporary.
        INDArray rowDot = dContext.mul(splitHeads(c.context, c.mb, c.steps)).sum(2);
        Nd4j.getExecutioner().exec(new BroadcastSubOp(dA, rowDot, dA, 0, 1));
        INDArray dScores = dA.muli(a).muli(scale);
        INDArray dq = mergeHeads(Nd4j.matmul(dScores, c.k), c.mb, c.steps);
        INDArray dk = mergeHeads(Nd4j.matmul(dScores, c.q, null, true, false, false), c.mb, c.steps);
        INDArray xT = c.x.transpose();
        INDArray dx = dR.add(dq.mmul(p.wq().transpose())).addi(dk.mmul(p.wk().transpose()))
                .addi(dv.mmul(p.wv().transpose()));
        return new Gradients(dx, xT.mmul(dq), dq.sum(true, 0), xT.mmul(dk), dk.sum(true, 0), xT.mmul(dv),
                dv.sum(true, 0), dwo, dbo, ln[1], ln[2]);
    }
}
