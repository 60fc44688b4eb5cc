package io.museflow.data;

/** Frames {@code [start, start + length)} of a video; padded to the window size when shorter. */
public record Window(int index, int start, int length) {
    public int end() {
        return start + length;
    }
}
