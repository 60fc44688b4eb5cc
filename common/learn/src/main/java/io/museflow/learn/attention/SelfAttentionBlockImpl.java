package io.museflow.learn.attention;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import io.museflow.learn.layers.ExplicitBackpropLayer;
import io.museflow.learn.HostRows;
import io.museflow.learn.layers.FrameProducts;
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

    /** Runs outside DL4J workspaces (the cache must outlive them); results are copied back in. */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray result;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            long mb = input.size(0);
            long steps = input.size(2);
            long d = layerConf().getNOut();
            INDArray in = input.castTo(dataType);
            INDArray x;
            if (layerConf().hasProjection()) {
                // Each sequence [nIn, T] projected in place into its rows (no copy of the input into rows).
                x = FrameProducts.affineFrames(in, params.get("Wp"),
                        layerConf().isProjectionBias() ? params.get("bp") : null, FrameProducts.RowOrder.SEQUENCE_MAJOR,
                        LayerWorkspaceMgr.noWorkspaces(), layerId());
            } else {
                x = in.permute(0, 2, 1).dup('c').reshape('c', mb * steps, input.size(1));
            }
            AttentionPass.Cache c = new AttentionPass(layerConf().getHeads()).forward(x, rowMask(mb, steps), (int) mb,
                    blockParams(), training, buffers);
            if (training) {
                cache = c;
                projectionInput = in;
            }
            result = c.output().reshape('c', mb, steps, d).permute(0, 2, 1).dup('c');
            OffHeap.release(c.output());
            if (!training) {
                OffHeap.release(x);
            }
        }
        INDArray activations = workspaceMgr.dup(ArrayType.ACTIVATIONS, result);
        OffHeap.release(result);
        return activations;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (cache == null) {
            throw new IllegalStateException("SelfAttentionBlock (layer " + index + "): backprop without a training forward pass");
        }
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        INDArray eps;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            long mb = epsilon.size(0);
            long steps = epsilon.size(2);
            INDArray dRows = epsilon.castTo(dataType).permute(0, 2, 1).dup('c').reshape('c', mb * steps, epsilon.size(1));
            AttentionPass.Gradients g = new AttentionPass(layerConf().getHeads()).backward(cache, dRows, blockParams());
            INDArray dx = g.dx();
            INDArray blockInput = cache.input();
            INDArray dIn;
            if (layerConf().hasProjection()) { // in parameter order: projection first
                INDArray dwp = FrameProducts.weightGradientFrames(projectionInput, dx, FrameProducts.RowOrder.SEQUENCE_MAJOR);
                putGradient(gradient, "Wp", dwp);
                OffHeap.release(dwp);
                if (layerConf().isProjectionBias()) {
                    putGradient(gradient, "bp", HostRows.columnSums(dx));
                }
                dIn = FrameProducts.inputGradientFrames(dx, params.get("Wp"), (int) mb,
                        FrameProducts.RowOrder.SEQUENCE_MAJOR, LayerWorkspaceMgr.noWorkspaces());
            } else {
                dIn = dx.reshape('c', mb, steps, dx.size(1)).permute(0, 2, 1).dup('c');
            }
            INDArray[] values = {g.dwq(), g.dbq(), g.dwk(), g.dbk(), g.dwv(), g.dbv(), g.dwo(), g.dbo(), g.dGamma(),
                    g.dBeta()};
            for (int i = 0; i < values.length; i++) {
                putGradient(gradient, SelfAttentionBlock.BLOCK_KEYS[i], values[i]);
            }
            eps = dIn.castTo(epsilon.dataType());
            if (eps != dIn) {
                OffHeap.release(dIn);
            }
            OffHeap.release(dRows, dx, blockInput);
            cache = null;
            projectionInput = null;
        }
        INDArray epsOut = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, eps);
        OffHeap.release(eps);
        return new Pair<>(gradient, backpropDropOutIfPresent(epsOut));
    }
}
