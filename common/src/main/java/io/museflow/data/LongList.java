package io.museflow.data;

import java.util.Arrays;

/** Growable primitive list: readers would otherwise box millions of values. */
final class LongList {
    private long[] a = new long[256];
    private int n;

    void add(long v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        a[n++] = v;
    }

    int size() {
        return n;
    }

    long[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
