package io.museflow.learn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeptArraysTest {
    private enum Slot { A, B }

    private static long address(INDArray a) {
        return NativeRows.address(a).address() + NativeRows.start(a) * a.dataType().width();
    }

    @Test
    void aSlotHandsOutTheSameMemoryUntilALargerOrOtherTypedArrayIsAskedFor() {
        try (KeptArrays<Slot> kept = new KeptArrays<>(Slot.class)) {
            INDArray first = kept.get(Slot.A, DataType.FLOAT, 6, 4);
            assertArrayEquals(new long[]{6, 4}, first.shape());
            assertTrue(NativeRows.isContiguous(first));
            first.assign(3);
            INDArray smaller = kept.get(Slot.A, DataType.FLOAT, 2, 3, 2);
            assertArrayEquals(new long[]{2, 3, 2}, smaller.shape());
            assertEquals(address(first), address(smaller), "a smaller array reuses the buffer");
            assertEquals(3.0, smaller.getDouble(1, 2, 1)); // uninitialized: what the last user left
            INDArray other = kept.get(Slot.B, DataType.FLOAT, 6, 4);
            assertNotEquals(address(first), address(other), "slots do not share memory");
            INDArray larger = kept.get(Slot.A, DataType.FLOAT, 7, 4);
            assertEquals(28, larger.length());
            INDArray doubles = kept.get(Slot.A, DataType.DOUBLE, 2, 2);
            assertEquals(DataType.DOUBLE, doubles.dataType());
        }
    }

    @Test
    void freeingAViewLeavesTheSlotsBufferAlone() {
        try (KeptArrays<Slot> kept = new KeptArrays<>(Slot.class)) {
            INDArray view = kept.get(Slot.A, DataType.FLOAT, 4, 4);
            OffHeap.release(view);
            assertFalse(view.wasClosed());
            INDArray again = kept.get(Slot.A, DataType.FLOAT, 4, 4).assign(1);
            assertEquals(16.0, again.sumNumber().doubleValue());
        }
    }
}
