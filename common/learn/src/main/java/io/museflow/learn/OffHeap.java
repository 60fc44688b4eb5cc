package io.museflow.learn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Deterministic release of large ND4J temporaries. ND4J frees an array's off-heap buffer only when
 * the garbage collector collects its Java wrapper; with a large heap that can be many batches
 * later, so a layer's per-batch intermediates would pile up and set the process's peak memory.
 */
public final class OffHeap {
    private OffHeap() {
    }

    /** Frees each array that owns its buffer (views and workspace arrays are left alone). */
    public static void release(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && !a.wasClosed() && a.closeable()) {
                a.close();
            }
        }
    }
}
