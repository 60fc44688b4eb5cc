package io.museflow.data;

import java.util.Arrays;

/** Growable primitive list of floats. */
final class FloatList {
    private float[] a;
    private int n;

    FloatList(int capacity) {
        a = new float[Math.max(16, capacity)];
    }

    void add(float v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, Math.max(16, (int) Math.min(Integer.MAX_VALUE - 8, a.length * 2L)));
        }
        a[n++] = v;
    }

    int size() {
        return n;
    }

    float[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
