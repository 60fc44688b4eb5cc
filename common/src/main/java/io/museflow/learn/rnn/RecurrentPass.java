package io.museflow.learn.rnn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A masked LSTM or GRU over a time-major sequence batch with explicit backpropagation through time.
 *
 * <p>Layout: input {@code x} is {@code [T, mb, nIn]} in c order, so each step is a contiguous
 * {@code [mb, nIn]} matrix; the mask is {@code [T, mb, 1]} (1 = real frame). The input projection of
 * all steps is one GEMM ({@code [T·mb, nIn] × [nIn, G·H]}); each step then only multiplies the state
 * by the recurrent weights. Backward mirrors this: per step the recurrent product, then one GEMM
 * each for the input weights' gradient and the input gradient.
 *
 * <p>Masking: on a padded step the state is carried unchanged and the output is 0, so padding can
 * change neither the outputs nor the gradients of real frames, whatever its values.
 */
public final class RecurrentPass {
    private final CellType cell;
    private final int hidden;

    public RecurrentPass(CellType cell, int hidden) {
        this.cell = cell;
        this.hidden = hidden;
    }

    /** What backward needs from forward. */
    public static final class Cache {
        final INDArray x;        // [T, mb, nIn]
        final INDArray mask;     // [T, mb, 1]
        final INDArray gates;    // [T, mb, G·H] activated gates
        final INDArray hPrev;    // [T, mb, H] state entering each step
        final INDArray cPrev;    // LSTM: [T, mb, H] cell entering each step; GRU: recurrent n-part (RW_n·h + rb_n)
        final INDArray cNew;     // LSTM: [T, mb, H] tanh of the new cell; GRU: unused
        final INDArray out;      // [T, mb, H]

        Cache(INDArray x, INDArray mask, INDArray gates, INDArray hPrev, INDArray cPrev, INDArray cNew, INDArray out) {
            this.x = x;
            this.mask = mask;
            this.gates = gates;
            this.hPrev = hPrev;
            this.cPrev = cPrev;
            this.cNew = cNew;
            this.out = out;
        }

        public INDArray output() {
            return out;
        }
    }

    /** Gradients of one direction, shaped like {@link RnnParams}, and of the input. */
    public record Gradients(INDArray dx, INDArray dw, INDArray drw, INDArray db, INDArray drb) {
    }

    private static INDArray step(INDArray a, int t) {
        return a.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
    }

    private INDArray block(INDArray a, int gate) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval((long) gate * hidden, (long) (gate + 1) * hidden));
    }

    public Cache forward(INDArray x, INDArray mask, RnnParams p) {
        long steps = x.size(0);
        long mb = x.size(1);
        long nIn = x.size(2);
        int g = cell.gates() * hidden;
        INDArray pre = x.reshape('c', steps * mb, nIn).mmul(p.w()).addiRowVector(p.b()).reshape('c', steps, mb, g);
        INDArray gates = Nd4j.create(x.dataType(), steps, mb, g);
        INDArray hPrev = Nd4j.create(x.dataType(), steps, mb, hidden);
        INDArray cPrev = Nd4j.create(x.dataType(), steps, mb, hidden);
        INDArray cNew = cell == CellType.LSTM ? Nd4j.create(x.dataType(), steps, mb, hidden) : null;
        INDArray out = Nd4j.create(x.dataType(), steps, mb, hidden);
        INDArray h = Nd4j.zeros(x.dataType(), mb, hidden);
        INDArray c = Nd4j.zeros(x.dataType(), mb, hidden);
        for (int t = 0; t < steps; t++) {
            INDArray m = step(mask, t);
            step(hPrev, t).assign(h);
            INDArray rec = h.mmul(p.rw());
            INDArray act = step(gates, t);
            INDArray hNew;
            if (cell == CellType.LSTM) {
                step(cPrev, t).assign(c);
                INDArray z = step(pre, t).add(rec);
                act.assign(z);
                Transforms.sigmoid(block(act, 0), false);
                Transforms.sigmoid(block(act, 1), false);
                Transforms.tanh(block(act, 2), false);
                Transforms.sigmoid(block(act, 3), false);
                INDArray cCand = block(act, 1).mul(c).addi(block(act, 0).mul(block(act, 2)));
                INDArray tc = Transforms.tanh(cCand, true);
                step(cNew, t).assign(tc);
                hNew = block(act, 3).mul(tc);
                // Padded steps keep the previous state.
                c = cCand.muliColumnVector(m).addi(c.mulColumnVector(m.rsub(1.0)));
            } else {
                INDArray recN = block(rec, 2).addiRowVector(p.rb().get(NDArrayIndex.all(),
                        NDArrayIndex.interval(2L * hidden, 3L * hidden)));
                step(cPrev, t).assign(recN);
                INDArray pt = step(pre, t);
                INDArray r = Transforms.sigmoid(block(pt, 0).add(block(rec, 0)).addiRowVector(
                        p.rb().get(NDArrayIndex.all(), NDArrayIndex.interval(0, hidden))), false);
                INDArray zg = Transforms.sigmoid(block(pt, 1).add(block(rec, 1)).addiRowVector(
                        p.rb().get(NDArrayIndex.all(), NDArrayIndex.interval(hidden, 2L * hidden))), false);
                INDArray n = Transforms.tanh(block(pt, 2).add(r.mul(recN)), false);
                block(act, 0).assign(r);
                block(act, 1).assign(zg);
                block(act, 2).assign(n);
                hNew = n.sub(zg.mul(n)).addi(zg.mul(h));
            }
            h = hNew.muliColumnVector(m).addi(h.mulColumnVector(m.rsub(1.0)));
            step(out, t).assign(h.mulColumnVector(m));
        }
        return new Cache(x, mask, gates, hPrev, cPrev, cNew, out);
    }

    public Gradients backward(Cache k, INDArray dOut, RnnParams p) {
        long steps = k.x.size(0);
        long mb = k.x.size(1);
        long nIn = k.x.size(2);
        int g = cell.gates() * hidden;
        INDArray dPre = Nd4j.create(k.x.dataType(), steps, mb, g);
        INDArray drw = Nd4j.zeros(k.x.dataType(), hidden, g);
        INDArray drb = cell == CellType.GRU ? Nd4j.zeros(k.x.dataType(), 1, g) : null;
        INDArray dh = Nd4j.zeros(k.x.dataType(), mb, hidden);
        INDArray dc = Nd4j.zeros(k.x.dataType(), mb, hidden);
        for (int t = (int) steps - 1; t >= 0; t--) {
            INDArray m = step(k.mask, t);
            INDArray keep = m.rsub(1.0);
            INDArray act = step(k.gates, t);
            INDArray hp = step(k.hPrev, t);
            // Gradient reaching h_t: from the future and from this step's (masked) output.
            INDArray dhTotal = dh.add(step(dOut, t).mulColumnVector(m));
            INDArray dhc = dhTotal.mulColumnVector(m);      // into the new state (real steps)
            INDArray dhPrev = dhTotal.mulColumnVector(keep); // carried through padded steps
            INDArray dRec = Nd4j.create(k.x.dataType(), mb, g);
            INDArray dp = step(dPre, t);
            if (cell == CellType.LSTM) {
                INDArray i = block(act, 0);
                INDArray f = block(act, 1);
                INDArray gg = block(act, 2);
                INDArray o = block(act, 3);
                INDArray tc = step(k.cNew, t);
                INDArray cp = step(k.cPrev, t);
                INDArray dcTotal = dc.mulColumnVector(m).addi(dhc.mul(o).muli(tc.mul(tc).rsubi(1.0)));
                block(dp, 0).assign(dcTotal.mul(gg).muli(i.mul(i.rsub(1.0))));
                block(dp, 1).assign(dcTotal.mul(cp).muli(f.mul(f.rsub(1.0))));
                block(dp, 2).assign(dcTotal.mul(i).muli(gg.mul(gg).rsubi(1.0)));
                block(dp, 3).assign(dhc.mul(tc).muli(o.mul(o.rsub(1.0))));
                dRec.assign(dp);
                dc = dcTotal.mul(f).addi(dc.mulColumnVector(keep));
            } else {
                INDArray r = block(act, 0);
                INDArray z = block(act, 1);
                INDArray n = block(act, 2);
                INDArray recN = step(k.cPrev, t);
                INDArray dn = dhc.mul(z.rsub(1.0)).muli(n.mul(n).rsubi(1.0));
                INDArray dz = dhc.mul(hp.sub(n)).muli(z.mul(z.rsub(1.0)));
                INDArray dr = dn.mul(recN).muli(r.mul(r.rsub(1.0)));
                block(dp, 0).assign(dr);
                block(dp, 1).assign(dz);
                block(dp, 2).assign(dn);
                block(dRec, 0).assign(dr);
                block(dRec, 1).assign(dz);
                block(dRec, 2).assign(dn.mul(r));
                dhPrev.addi(dhc.mul(z));
            }
            drw.addi(hp.transpose().mmul(dRec));
            if (cell == CellType.GRU) {
                drb.addi(dRec.sum(true, 0));
            }
            dh = dhPrev.addi(dRec.mmul(p.rw().transpose()));
        }
        INDArray dPreFlat = dPre.reshape('c', steps * mb, g);
        INDArray xFlat = k.x.reshape('c', steps * mb, nIn);
        INDArray dw = xFlat.transpose().mmul(dPreFlat);
        INDArray db = dPreFlat.sum(true, 0);
        INDArray dx = dPreFlat.mmul(p.w().transpose()).reshape('c', steps, mb, nIn);
        return new Gradients(dx, dw, drw, db, drb);
    }
}
