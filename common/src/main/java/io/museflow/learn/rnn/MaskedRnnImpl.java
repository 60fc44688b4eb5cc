package io.museflow.learn.rnn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import io.museflow.learn.OffHeap;
import io.museflow.learn.layers.ExplicitBackpropLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static io.museflow.learn.rnn.MaskedRnnParamInitializer.B;
import static io.museflow.learn.rnn.MaskedRnnParamInitializer.BACKWARD;
import static io.museflow.learn.rnn.MaskedRnnParamInitializer.RB;
import static io.museflow.learn.rnn.MaskedRnnParamInitializer.RW;
import static io.museflow.learn.rnn.MaskedRnnParamInitializer.W;

/** The {@link MaskedRnn} layer: DL4J plumbing around {@link RecurrentPass}. */
public class MaskedRnnImpl extends ExplicitBackpropLayer<MaskedRnn> {
    private RecurrentPass.Cache forwardCache;
    private RecurrentPass.Cache backwardCache;
    private int[] reversal;

    public MaskedRnnImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private RnnParams params(String prefix, java.util.Map<String, INDArray> table) {
        return new RnnParams(table.get(prefix + W), table.get(prefix + RW), table.get(prefix + B),
                table.get(prefix + RB));
    }

    private RecurrentPass pass() {
        return new RecurrentPass(layerConf().getCell(), (int) layerConf().getNOut());
    }

    /** Time-major [T, mb, 1] mask; all ones without a mask array. Checks the padding is at the end. */
    private INDArray timeMajorMask(long mb, long steps) {
        if (maskArray == null) {
            return Nd4j.ones(dataType, steps, mb, 1);
        }
        INDArray m = maskArray.castTo(dataType).reshape(mb, steps);
        return m.transpose().dup('c').reshape('c', steps, mb, 1);
    }

    /**
     * Row permutation of a flattened [T·mb, n] time-major array that reverses each sequence within
     * its own length (padding stays where it is). Its own inverse.
     */
    private static int[] reversal(INDArray mask) {
        int steps = (int) mask.size(0);
        int mb = (int) mask.size(1);
        int[] idx = new int[steps * mb];
        for (int b = 0; b < mb; b++) {
            int length = 0;
            while (length < steps && mask.getDouble(length, b, 0) > 0) {
                length++;
            }
            for (int t = length; t < steps; t++) {
                if (mask.getDouble(t, b, 0) > 0) {
                    throw new IllegalArgumentException("bidirectional layer: the mask of sequence " + b
                            + " has a gap at frame " + length + "; padding must be at the end");
                }
            }
            for (int t = 0; t < steps; t++) {
                int source = t < length ? length - 1 - t : t;
                idx[t * mb + b] = source * mb + b;
            }
        }
        return idx;
    }

    private static INDArray permuteRows(INDArray timeMajor, int[] rows) {
        long[] s = timeMajor.shape();
        INDArray flat = timeMajor.reshape('c', s[0] * s[1], s[2]);
        return Nd4j.pullRows(flat, 1, rows).reshape('c', s[0], s[1], s[2]);
    }

    /**
     * The passes run outside DL4J's workspaces: the forward cache must survive until backprop,
     * while the layer's working-memory workspace is recycled in between. Only the returned
     * activations and epsilon are copied into the workspaces DL4J expects.
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray result;
        // Input dropout as configured on the layer (DL4J's dropOut(p) takes the KEEP probability).
        applyDropOutIfNecessary(training, workspaceMgr);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            result = forward(training);
        }
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, result);
    }

    private INDArray forward(boolean training) {
        assertInputSet(false);
        if (input.rank() != 3) {
            throw new IllegalArgumentException("MaskedRnn (layer " + index + ") expects [mb, nIn, T] input, got rank "
                    + input.rank());
        }
        long mb = input.size(0);
        long steps = input.size(2);
        INDArray x = input.castTo(dataType).permute(2, 0, 1).dup('c');
        INDArray m = timeMajorMask(mb, steps);
        RecurrentPass pass = pass();
        RecurrentPass.Cache fwd = pass.forward(x, m, params("", params));
        INDArray out = fwd.output();
        RecurrentPass.Cache bwd = null;
        int[] rev = null;
        INDArray xReversed = null;
        INDArray outReversed = null;
        if (layerConf().isBidirectional()) {
            rev = reversal(m);
            xReversed = permuteRows(x, rev);
            bwd = pass.forward(xReversed, m, params(BACKWARD, params));
            outReversed = permuteRows(bwd.output(), rev);
            out = Nd4j.concat(2, out, outReversed);
        }
        INDArray result = out.permute(1, 2, 0).dup('c');
        OffHeap.release(fwd.output(), bwd == null ? null : bwd.output(), outReversed, out);
        if (training) {
            forwardCache = fwd;
            backwardCache = bwd;
            reversal = rev;
        } else {
            OffHeap.release(x, xReversed);
        }
        return result;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        Pair<Gradient, INDArray> result;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            result = backward(epsilon);
        }
        INDArray eps = backpropDropOutIfPresent(workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, result.getSecond()));
        return new Pair<>(result.getFirst(), eps);
    }

    private Pair<Gradient, INDArray> backward(INDArray epsilon) {
        if (forwardCache == null) {
            throw new IllegalStateException("MaskedRnn (layer " + index + "): backprop without a training forward pass");
        }
        long h = layerConf().getNOut();
        INDArray eps = epsilon.castTo(dataType).permute(2, 0, 1).dup('c');
        RecurrentPass pass = pass();
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        INDArray epsF = eps.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, h)).dup('c');
        RecurrentPass.Gradients gf = pass.backward(forwardCache, epsF, params("", params));
        store(gradient, "", gf);
        INDArray dx = gf.dx();
        OffHeap.release(epsF, forwardCache.input());
        if (layerConf().isBidirectional()) {
            INDArray epsB = eps.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(h, 2 * h)).dup('c');
            INDArray epsBReversed = permuteRows(epsB, reversal);
            RecurrentPass.Gradients gb = pass.backward(backwardCache, epsBReversed, params(BACKWARD, params));
            store(gradient, BACKWARD, gb);
            INDArray dxB = permuteRows(gb.dx(), reversal);
            dx = dx.add(dxB);
            OffHeap.release(epsB, epsBReversed, dxB, gb.dx(), gf.dx(), backwardCache.input());
        }
        INDArray epsOut = dx.permute(1, 2, 0).dup('c').castTo(epsilon.dataType());
        OffHeap.release(eps, dx);
        forwardCache = null;
        backwardCache = null;
        return new Pair<>(gradient, epsOut);
    }

    private void store(Gradient gradient, String prefix, RecurrentPass.Gradients g) {
        putGradient(gradient, prefix + W, g.dw());
        putGradient(gradient, prefix + RW, g.drw());
        putGradient(gradient, prefix + B, g.db());
        if (g.drb() != null) {
            putGradient(gradient, prefix + RB, g.drb());
        }
    }
}
