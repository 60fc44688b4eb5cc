package io.museflow.learn.attention;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Sun et al.'s attention block, {@code S = LayerNorm(X + MHA(X))}, over a batch of padded
 * sequences, with explicit backpropagation (DL4J's SelfAttentionLayer returns doubled gradients and
 * swaps fan-in/fan-out: stack.md defects 1 and 5).
 *
 * <p>Layout: rows are {@code b·T + t}, i.e. {@code x} is {@code [mb·T, d]}, the mask {@code [mb·T, 1]}.
 * Projections are one GEMM over all rows; scaled dot-product attention is computed per sequence
 * and head on {@code [T, d/heads]} blocks. Padded keys get no attention weight (key padding mask);
 * padded rows of the output are 0. Hence padding changes neither real outputs nor any gradient.
 */
public final class AttentionPass {
    private static final double MASKED = -1e9;

    private final int heads;

    public AttentionPass(int heads) {
        this.heads = heads;
    }

    public static final class Cache {
        final INDArray x;
        final INDArray mask;
        final int mb;
        final int steps;
        final INDArray q;
        final INDArray k;
        final INDArray v;
        final INDArray[] weights; // per (b, head): [T, T] softmax weights
        final INDArray context;   // [mb·T, d]
        final LayerNormPass.Cache norm;
        final INDArray out;

        Cache(INDArray x, INDArray mask, int mb, int steps, INDArray q, INDArray k, INDArray v, INDArray[] weights,
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

    private INDArray block(INDArray rows, int b, int steps, int head, int dh) {
        return rows.get(NDArrayIndex.interval((long) b * steps, (long) (b + 1) * steps),
                NDArrayIndex.interval((long) head * dh, (long) (head + 1) * dh));
    }

    public Cache forward(INDArray x, INDArray mask, int mb, AttentionParams p) {
        return forward(x, mask, mb, p, true);
    }

    /**
     * @param keepWeights false for inference: each head's {@code [T, T]} weights are dropped as soon
     *                    as its context is computed (a 6,000-frame video has 36 M of them per head)
     */
    public Cache forward(INDArray x, INDArray mask, int mb, AttentionParams p, boolean keepWeights) {
        int steps = (int) (x.size(0) / mb);
        int d = (int) x.size(1);
        if (d % heads != 0) {
            throw new IllegalArgumentException("model width " + d + " is not divisible by " + heads + " heads");
        }
        int dh = d / heads;
        double scale = 1.0 / Math.sqrt(dh);
        INDArray q = x.mmul(p.wq()).addiRowVector(p.bq());
        INDArray k = x.mmul(p.wk()).addiRowVector(p.bk());
        INDArray v = x.mmul(p.wv()).addiRowVector(p.bv());
        INDArray context = Nd4j.create(x.dataType(), x.size(0), d);
        INDArray[] weights = new INDArray[mb * heads];
        for (int b = 0; b < mb; b++) {
            // Additive key mask: 0 for real keys, a large negative number for padded ones.
            INDArray keyMask = mask.get(NDArrayIndex.interval((long) b * steps, (long) (b + 1) * steps), NDArrayIndex.all())
                    .reshape(1, steps).rsub(1.0).muli(MASKED);
            for (int h = 0; h < heads; h++) {
                INDArray scores = block(q, b, steps, h, dh).mmul(block(k, b, steps, h, dh).transpose()).muli(scale)
                        .addiRowVector(keyMask);
                INDArray a = Transforms.softmax(scores, false);
                INDArray headContext = a.mmul(block(v, b, steps, h, dh));
                block(context, b, steps, h, dh).assign(headContext);
                headContext.close();
                if (keepWeights) {
                    weights[b * heads + h] = a;
                } else {
                    // ND4J frees off-heap memory only when the GC collects the array; a long video's
                    // [T, T] scores would pile up, so release them now.
                    a.close();
                }
            }
        }
        INDArray residual = context.mmul(p.wo()).addiRowVector(p.bo()).addi(x);
        LayerNormPass.Cache norm = LayerNormPass.normalize(residual);
        INDArray out = LayerNormPass.scale(norm, p.gamma(), p.beta()).muliColumnVector(mask);
        return new Cache(x, mask, mb, steps, q, k, v, weights, context, norm, out);
    }

    public Gradients backward(Cache c, INDArray dOut, AttentionParams p) {
        int d = (int) c.x.size(1);
        int dh = d / heads;
        double scale = 1.0 / Math.sqrt(dh);
        INDArray dS = dOut.mulColumnVector(c.mask);
        INDArray[] ln = LayerNormPass.backward(c.norm, dS, p.gamma());
        INDArray dR = ln[0];
        INDArray dwo = c.context.transpose().mmul(dR);
        INDArray dbo = dR.sum(true, 0);
        INDArray dContext = dR.mmul(p.wo().transpose());
        INDArray dq = Nd4j.zerosLike(c.q);
        INDArray dk = Nd4j.zerosLike(c.k);
        INDArray dv = Nd4j.zerosLike(c.v);
        for (int b = 0; b < c.mb; b++) {
            for (int h = 0; h < heads; h++) {
                INDArray a = c.weights[b * heads + h];
                INDArray dC = block(dContext, b, c.steps, h, dh);
                INDArray dA = dC.mmul(block(c.v, b, c.steps, h, dh).transpose());
                block(dv, b, c.steps, h, dh).assign(a.transpose().mmul(dC));
                // softmax backward per row: dScores = A ⊙ (dA − Σ_j dA ⊙ A)
                INDArray dScores = a.mul(dA.subColumnVector(dA.mul(a).sum(true, 1))).muli(scale);
                block(dq, b, c.steps, h, dh).assign(dScores.mmul(block(c.k, b, c.steps, h, dh)));
                block(dk, b, c.steps, h, dh).assign(dScores.transpose().mmul(block(c.q, b, c.steps, h, dh)));
            }
        }
        INDArray xT = c.x.transpose();
        INDArray dx = dR.add(dq.mmul(p.wq().transpose())).addi(dk.mmul(p.wk().transpose()))
                .addi(dv.mmul(p.wv().transpose()));
        return new Gradients(dx, xT.mmul(dq), dq.sum(true, 0), xT.mmul(dk), dk.sum(true, 0), xT.mmul(dv),
                dv.sum(true, 0), dwo, dbo, ln[1], ln[2]);
    }
}
