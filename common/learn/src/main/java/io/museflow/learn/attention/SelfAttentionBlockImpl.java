package io.museflow.learn.attention;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import io.museflow.learn.layers.ExplicitBackpropLayer;
import io.museflow.learn.KeptArrays;
import io.museflow.learn.layers.FrameProducts;
import io.museflow.learn.NativeRows;
import io.museflow.learn.OffHeap;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The {@link SelfAttentionBlock} layer: DL4J plumbing around {@link AttentionPass}. */
public class SelfAttentionBlockImpl extends ExplicitBackpropLayer<SelfAttentionBlock> {
    private AttentionPass.Cache cache;
    /** Softmax weights and scratch, reused from one minibatch to the next. */
    private final AttentionPass.Buffers buffers = new AttentionPass.Buffers();
    /** The projected input rows and the incoming gradient as rows, kept between minibatches (see KeptArrays). */
    private enum Slot { PROJECTED, GRADIENT_ROWS, INPUT_GRADIENT }
    private final KeptArrays<Slot> rows = new KeptArrays<>(Slot.class);
    /** The block's input ([mb, nIn, T]) from the training forward pass, for the projection's gradient. */
    private INDArray projectionInput;

    public SelfAttentionBlockImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private AttentionParams blockParams() {
        return new AttentionParams(params.get("Wq"), params.get("bq"), params.get("Wk"), params.get("bk"),
                params.get("Wv"), params.get("bv"), params.get("Wo"), params.get("bo"), params.get("gamma"),
                params.get("beta"));
    }

    private INDArray rowMask(long mb, long steps) {
        return maskArray == null ? Nd4j.ones(dataType, mb * steps, 1)
                : maskArray.castTo(dataType).reshape('c', mb * steps, 1).dup();
    }

    /**
     * Runs outside DL4J workspaces (the cache must outlive them); the result is written into the
     * ACTIVATIONS workspace.
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        long mb = input.size(0);
        long steps = input.size(2);
        long d = layerConf().getNOut();
        AttentionPass.Cache c;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray in = input.castTo(dataType);
            INDArray x;
            if (layerConf().hasProjection()) {
                // Each sequence [nIn, T] projected in place into its rows (no copy of the input into rows).
                x = FrameProducts.affineFrames(in, params.get("Wp"),
                        layerConf().isProjectionBias() ? params.get("bp") : null, FrameProducts.RowOrder.SEQUENCE_MAJOR,
                        rows.get(Slot.PROJECTED, dataType, mb * steps, d), layerId());
            } else {
                x = rows.get(Slot.PROJECTED, dataType, mb, steps, d).assign(in.permute(0, 2, 1))
                        .reshape('c', mb * steps, d);
            }
            c = new AttentionPass(layerConf().getHeads()).forward(x, rowMask(mb, steps), (int) mb, blockParams(),
                    training, buffers);
            if (training) {
                cache = c;
                projectionInput = in;
            }
        }
        // The pass's output is kept in its buffers: copied out here, straight into [mb, d, T].
        return workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[]{mb, d, steps}, 'c')
                .assign(c.output().reshape('c', mb, steps, d).permute(0, 2, 1));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (cache == null) {
            throw new IllegalStateException("SelfAttentionBlock (layer " + index + "): backprop without a training forward pass");
        }
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        INDArray dIn;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            long mb = epsilon.size(0);
            long steps = epsilon.size(2);
            INDArray dRows = rows.get(Slot.GRADIENT_ROWS, dataType, mb, steps, epsilon.size(1))
                    .assign(epsilon.permute(0, 2, 1)).reshape('c', mb * steps, epsilon.size(1));
            AttentionPass.Gradients g = new AttentionPass(layerConf().getHeads()).backward(cache, dRows, blockParams());
            INDArray dx = g.dx();
            if (layerConf().hasProjection()) { // in parameter order: projection first
                INDArray dwp = FrameProducts.weightGradientFrames(projectionInput, dx, FrameProducts.RowOrder.SEQUENCE_MAJOR);
                putGradient(gradient, "Wp", dwp);
                OffHeap.release(dwp);
                if (layerConf().isProjectionBias()) {
                    putGradient(gradient, "bp", NativeRows.columnSums(dx));
                }
                dIn = FrameProducts.inputGradientFrames(dx, params.get("Wp"), (int) mb,
                        FrameProducts.RowOrder.SEQUENCE_MAJOR, rows.get(Slot.INPUT_GRADIENT, dataType, input.shape()));
            } else {
                dIn = rows.get(Slot.INPUT_GRADIENT, dataType, input.shape())
                        .assign(dx.reshape('c', mb, steps, dx.size(1)).permute(0, 2, 1));
            }
            INDArray[] values = {g.dwq(), g.dbq(), g.dwk(), g.dbk(), g.dwv(), g.dbv(), g.dwo(), g.dbo(), g.dGamma(),
                    g.dBeta()};
            for (int i = 0; i < values.length; i++) {
                putGradient(gradient, SelfAttentionBlock.BLOCK_KEYS[i], values[i]);
            }
            // (dRows, dx, dIn and the block's input live in kept buffers.)
            cache = null;
            projectionInput = null;
        }
        INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), input.shape(),
                'c').assign(dIn);
        return new Pair<>(gradient, backpropDropOutIfPresent(epsOut));
    }
}
