package io.museflow.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a training video into windows of {@code size} frames every {@code hop} frames. The last
 * window ends at the video's end and may be shorter (it is padded and masked downstream); no
 * window is emitted whose frames are all covered by the one before it ending at the video's end.
 */
public final class Windower implements java.io.Serializable {
    private final int size;
    private final int hop;

    public Windower(int size, int hop) {
        if (size <= 0 || hop <= 0 || hop > size) {
            throw new IllegalArgumentException("need 0 < hop <= size, got size " + size + ", hop " + hop);
        }
        this.size = size;
        this.hop = hop;
    }

    public int size() {
        return size;
    }

    public List<Window> windows(int frames) {
        List<Window> out = new ArrayList<>();
        for (int start = 0; start < frames; start += hop) {
            int length = Math.min(size, frames - start);
            out.add(new Window(out.size(), start, length));
            if (start + size >= frames) {
                break;
            }
        }
        return out;
    }
}
