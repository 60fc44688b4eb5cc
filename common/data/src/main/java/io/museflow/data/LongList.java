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

    /** As ints, or all -1 when nothing was added (the column was absent). */
    int[] toIntsOrMissing(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = this.n == 0 ? -1 : (int) a[i];
        }
        return out;
    }

    long[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
