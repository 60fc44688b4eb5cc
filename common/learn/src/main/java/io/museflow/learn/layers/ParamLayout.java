package io.museflow.learn.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A layer's parameters as named c-order views into its slice of the network's flat parameter (or
 * gradient) vector, in a fixed order: what DL4J's param initializers must hand out.
 */
public final class ParamLayout {
    private ParamLayout() {
    }

    public static long count(Map<String, long[]> shapes) {
        long n = 0;
        for (long[] s : shapes.values()) {
            n += s[0] * s[1];
        }
        return n;
    }

    public static Map<String, INDArray> views(Map<String, long[]> shapes, INDArray flat) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        INDArray row = flat.reshape(flat.length());
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = e.getValue()[0] * e.getValue()[1];
            out.put(e.getKey(), row.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', e.getValue()));
            offset += n;
        }
        return out;
    }
}
