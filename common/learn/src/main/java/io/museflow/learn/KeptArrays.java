package io.museflow.learn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.EnumMap;
import java.util.Map;

/**
 * Native matrices a layer keeps from one minibatch to the next, one per slot: each call hands out
 * a c-order view of the slot's buffer, which grows when a larger matrix is
 * asked for and is otherwise reused. Why: libnd4j zero-fills every new buffer, and a freed buffer
 * of tens of megabytes goes back to the OS and page-faults in again when the next minibatch asks
 * for it; at the papers' shape (262 windows of 200 frames in one minibatch) that was a tenth of
 * the attention model's epoch on one CPU (async-profiler, BENCHMARKS.md).
 *
 * <p>A view is valid until the next {@code get} of the same slot: callers use a slot only for
 * intermediates whose life ends before the layer's next pass of the same kind, and never free a
 * view ({@link OffHeap#release} leaves views alone anyway).
 *
 * @param <S> the layer's slots
 */
public final class KeptArrays<S extends Enum<S>> implements AutoCloseable {
    private final Map<S, INDArray> buffers;

    public KeptArrays(Class<S> slots) {
        buffers = new EnumMap<>(slots);
    }

    /** An uninitialized c-order array of {@code type} and {@code shape} in {@code slot}'s buffer. */
    public INDArray get(S slot, DataType type, long... shape) {
        long n = 1;
        for (long size : shape) {
            n *= size;
        }
        INDArray flat = buffers.get(slot);
        if (flat == null || flat.dataType() != type || flat.length() < n) {
            OffHeap.release(flat);
            flat = Nd4j.createUninitialized(type, new long[]{Math.max(n, 1)}, 'c');
            buffers.put(slot, flat);
        }
        return flat.get(NDArrayIndex.interval(0, n)).reshape('c', shape);
    }

    /** Frees every slot's buffer; later calls allocate again. */
    @Override
    public void close() {
        buffers.values().forEach(OffHeap::release);
        buffers.clear();
    }
}
