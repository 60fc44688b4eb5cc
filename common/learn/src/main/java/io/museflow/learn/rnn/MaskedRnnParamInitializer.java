package io.museflow.learn.rnn;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.museflow.learn.layers.ParamLayout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters of a {@link MaskedRnn}: per direction {@code W [nIn, G·H]}, {@code RW [H, G·H]},
 * {@code b [1, G·H]} and, for GRU, {@code rb [1, G·H]}; the backward direction's keys carry a
 * {@code b} prefix ({@code bW}, {@code bRW}, ...). All are c-order views into the layer's flat
 * parameter (and gradient) vector. Initialization is PyTorch's: uniform in ±1/√H.
 */
public final class MaskedRnnParamInitializer implements ParamInitializer {
    public static final String W = "W";
    public static final String RW = "RW";
    public static final String B = "b";
    public static final String RB = "rb";
    public static final String BACKWARD = "b";

    private static final MaskedRnnParamInitializer INSTANCE = new MaskedRnnParamInitializer();

    public static MaskedRnnParamInitializer getInstance() {
        return INSTANCE;
    }

    private static MaskedRnn conf(Layer layer) {
        return (MaskedRnn) layer;
    }

    /** Key → shape, in layout order. */
    private static Map<String, long[]> shapes(MaskedRnn c) {
        long g = (long) c.getCell().gates() * c.getNOut();
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String prefix : c.isBidirectional() ? new String[]{"", BACKWARD} : new String[]{""}) {
            out.put(prefix + W, new long[]{c.getNIn(), g});
            out.put(prefix + RW, new long[]{c.getNOut(), g});
            out.put(prefix + B, new long[]{1, g});
            if (c.getCell() == CellType.GRU) {
                out.put(prefix + RB, new long[]{1, g});
            }
        }
        return out;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return ParamLayout.count(shapes(conf(layer)));
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return new ArrayList<>(shapes(conf(layer)).keySet());
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return paramKeys(layer).stream().filter(k -> isWeightParam(layer, k)).toList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return paramKeys(layer).stream().filter(k -> isBiasParam(layer, k)).toList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return key.endsWith(W);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return !key.endsWith(W);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Map<String, INDArray> views = ParamLayout.views(shapes(conf(conf.getLayer())), paramsView);
        if (initializeParams) {
            double k = 1.0 / Math.sqrt(conf(conf.getLayer()).getNOut());
            for (INDArray v : views.values()) {
                v.assign(org.nd4j.linalg.factory.Nd4j.rand(v.dataType(), v.shape()).muli(2 * k).subi(k));
            }
        }
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return ParamLayout.views(shapes(conf(conf.getLayer())), gradientView);
    }
}
