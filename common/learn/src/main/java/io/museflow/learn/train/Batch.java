package io.museflow.learn.train;

import io.museflow.learn.OffHeap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Sequences padded to the longest in DL4J's NCW layout: features {@code [mb, inputs, T]}, labels
 * {@code [mb, targets, T]}, mask {@code [mb, T]} (1 on real frames). Padding is 0 and masked.
 */
public record Batch(INDArray features, INDArray labels, INDArray mask) {

    public static Batch of(List<Sequence> seqs, DataType type) {
        return of(seqs, type, longest(seqs));
    }

    /** The frames of the longest sequence: a batch's padded length. */
    static int longest(List<Sequence> seqs) {
        return seqs.stream().mapToInt(Sequence::frames).max().orElseThrow();
    }

    /** The sequences padded to {@code steps} frames (at least the longest's). */
    static Batch of(List<Sequence> seqs, DataType type, int steps) {
        int mb = seqs.size();
        if (steps < longest(seqs)) {
            throw new IllegalArgumentException(steps + " steps cannot hold a sequence of " + longest(seqs) + " frames");
        }
        int d = seqs.get(0).inputs();
        int k = seqs.get(0).targets();
        float[] f = new float[mb * d * steps];
        float[] y = new float[mb * k * steps];
        float[] m = new float[mb * steps];
        for (int b = 0; b < mb; b++) {
            Sequence s = seqs.get(b);
            for (int t = 0; t < s.frames(); t++) {
                for (int c = 0; c < d; c++) {
                    f[(b * d + c) * steps + t] = s.features()[t * d + c];
                }
                for (int c = 0; c < k; c++) {
                    y[(b * k + c) * steps + t] = s.labels()[t * k + c];
                }
                m[b * steps + t] = 1f;
            }
        }
        return new Batch(nativeArray(f, new long[]{mb, d, steps}, type),
                nativeArray(y, new long[]{mb, k, steps}, type), nativeArray(m, new long[]{mb, steps}, type));
    }

    private static INDArray nativeArray(float[] values, long[] shape, DataType type) {
        INDArray floats = Nd4j.create(values, shape, 'c');
        if (type == DataType.FLOAT) {
            return floats;
        }
        INDArray cast = floats.castTo(type);
        OffHeap.release(floats);
        return cast;
    }

    /**
     * Frees the batch's buffers now. ND4J frees an array's off-heap buffer only when the garbage
     * collector finds its Java wrapper dead, and a JVM with a large heap collects rarely: batches of
     * the papers' shapes (tens of MB each, one per step) would pile up outside the heap.
     */
    public void release() {
        OffHeap.release(features, labels, mask);
    }
}
