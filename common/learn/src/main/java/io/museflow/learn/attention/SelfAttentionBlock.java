package io.museflow.learn.attention;

import io.museflow.learn.layers.InitScheme;
import io.museflow.learn.layers.ParamLayout;
import io.museflow.learn.layers.LayerWiring;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration of Sun et al.'s self-attention block on NCW sequences: an optional linear input
 * projection {@code nIn → nOut} (present when they differ), then {@code S = LayerNorm(X + MHA(X))}
 * with {@code heads} heads and a key padding mask. Output {@code [mb, nOut, T]}, 0 on padded frames.
 */
public class SelfAttentionBlock extends BaseRecurrentLayer {
    private static final long serialVersionUID = 1L;
    static final String[] BLOCK_KEYS = {"Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo", "gamma", "beta"};

    private int heads = 4;
    /** Whether the input projection has a bias (Sun et al.'s public code has none). */
    private boolean projectionBias = true;
    private InitScheme init = InitScheme.XAVIER;

    public SelfAttentionBlock() {
    }

    public SelfAttentionBlock(long nIn, long width, int heads) {
        this(nIn, width, heads, true, InitScheme.XAVIER);
    }

    public SelfAttentionBlock(long nIn, long width, int heads, boolean projectionBias, InitScheme init) {
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " is not divisible by " + heads + " heads");
        }
        this.heads = heads;
        this.projectionBias = projectionBias;
        this.init = init;
        setNIn(nIn);
        setNOut(width);
        setRnnDataFormat(RNNFormat.NCW);
    }

    public boolean isProjectionBias() {
        return projectionBias;
    }

    public void setProjectionBias(boolean projectionBias) {
        this.projectionBias = projectionBias;
    }

    public InitScheme getInit() {
        return init;
    }

    public void setInit(InitScheme init) {
        this.init = init;
    }

    public int getHeads() {
        return heads;
    }

    public void setHeads(int heads) {
        this.heads = heads;
    }

    public boolean hasProjection() {
        return getNIn() != getNOut();
    }

    Map<String, long[]> shapes() {
        long d = getNOut();
        Map<String, long[]> s = new LinkedHashMap<>();
        if (hasProjection()) {
            s.put("Wp", new long[]{getNIn(), d});
            if (projectionBias) {
                s.put("bp", new long[]{1, d});
            }
        }
        for (String k : BLOCK_KEYS) {
            s.put(k, k.startsWith("W") ? new long[]{d, d} : new long[]{1, d});
        }
        return s;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return LayerWiring.wire(new SelfAttentionBlockImpl(conf, networkDataType), conf, listeners, layerIndex, layerParamsView,
                initializeParams, initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return Initializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType.getType() != InputType.Type.RNN) {
            throw new IllegalStateException("SelfAttentionBlock (layer " + layerIndex + ") needs recurrent input, got "
                    + inputType);
        }
        return InputType.recurrent(getNOut(), ((InputType.InputTypeRecurrent) inputType).getTimeSeriesLength(),
                RNNFormat.NCW);
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(layerName, SelfAttentionBlock.class, inputType, getOutputType(-1, inputType))
                .standardMemory(params, 2 * params).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SelfAttentionBlock a && super.equals(o) && a.heads == heads
                && a.projectionBias == projectionBias && a.init == init;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(super.hashCode(), heads, projectionBias, init);
    }

    /**
     * γ = 1, β = 0, block biases 0; {@link InitScheme#XAVIER}: every projection Xavier-uniform (fan-in
     * and fan-out the right way round), projection bias 0; {@link InitScheme#TORCH}: PyTorch's
     * {@code MultiheadAttention} (Q, K, V Xavier-uniform as one {@code [width, 3·width]} matrix, output
     * uniform in ±1/√width) after a PyTorch {@code Linear} input projection (weight and bias uniform in
     * ±1/√nIn).
     */
    static final class Initializer implements ParamInitializer {
        static final Initializer INSTANCE = new Initializer();

        private static SelfAttentionBlock c(Layer l) {
            return (SelfAttentionBlock) l;
        }

        @Override
        public long numParams(NeuralNetConfiguration conf) {
            return numParams(conf.getLayer());
        }

        @Override
        public long numParams(Layer layer) {
            return ParamLayout.count(c(layer).shapes());
        }

        @Override
        public List<String> paramKeys(Layer layer) {
            return new ArrayList<>(c(layer).shapes().keySet());
        }

        @Override
        public List<String> weightKeys(Layer layer) {
            return paramKeys(layer).stream().filter(k -> k.startsWith("W")).toList();
        }

        @Override
        public List<String> biasKeys(Layer layer) {
            return paramKeys(layer).stream().filter(k -> !k.startsWith("W")).toList();
        }

        @Override
        public boolean isWeightParam(Layer layer, String key) {
            return key.startsWith("W");
        }

        @Override
        public boolean isBiasParam(Layer layer, String key) {
            return !key.startsWith("W");
        }

        @Override
        public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
            Map<String, INDArray> views = ParamLayout.views(c(conf.getLayer()).shapes(), paramsView);
            if (initializeParams) {
                SelfAttentionBlock block = c(conf.getLayer());
                boolean torch = block.init == InitScheme.TORCH;
                double fanIn = 1.0 / Math.sqrt(block.getNIn());
                views.forEach((k, v) -> {
                    double limit;
                    if (torch && (k.equals("Wp") || k.equals("bp"))) {
                        limit = fanIn;
                    } else if (torch && k.equals("Wo")) {
                        limit = 1.0 / Math.sqrt(v.size(0));
                    } else if (torch && k.startsWith("W")) { // Wq, Wk, Wv: one stacked matrix for Xavier
                        limit = Math.sqrt(6.0 / (v.size(0) + 3 * v.size(1)));
                    } else if (k.startsWith("W")) {
                        limit = Math.sqrt(6.0 / (v.size(0) + v.size(1)));
                    } else {
                        v.assign(k.equals("gamma") ? 1.0 : 0.0);
                        return;
                    }
                    v.assign(Nd4j.rand(v.dataType(), v.shape()).muli(2 * limit).subi(limit));
                });
            }
            return views;
        }

        @Override
        public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
            return ParamLayout.views(c(conf.getLayer()).shapes(), gradientView);
        }
    }
}
