package io.museflow.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WindowerTest {
    private final Windower w = new Windower(200, 100);

    @Test
    void lastWindowIsShortAndEndsAtTheVideoEnd() {
        assertEquals(List.of(new Window(0, 0, 200), new Window(1, 100, 200), new Window(2, 200, 200),
                new Window(3, 300, 150)), w.windows(450));
    }

    @Test
    void noWindowCoveredEntirelyByTheOneBefore() {
        assertEquals(List.of(new Window(0, 0, 200), new Window(1, 100, 200)), w.windows(300));
        assertEquals(List.of(new Window(0, 0, 200), new Window(1, 100, 101)), w.windows(201));
    }

    @Test
    void shortVideosGiveOneWindow() {
        assertEquals(List.of(new Window(0, 0, 200)), w.windows(200));
        assertEquals(List.of(new Window(0, 0, 37)), w.windows(37));
        assertEquals(List.of(), w.windows(0));
    }

    @Test
    void everyFrameIsCoveredForOtherSizes() {
        Windower w2 = new Windower(300, 50);
        for (int t = 1; t < 1000; t += 37) {
            boolean[] seen = new boolean[t];
            for (Window x : w2.windows(t)) {
                for (int i = x.start(); i < x.end(); i++) {
                    seen[i] = true;
                }
                assertEquals(Math.min(300, t - x.start()), x.length());
            }
            for (boolean s : seen) {
                assertEquals(true, s);
            }
        }
    }

    @Test
    void rejectsHopsThatSkipFrames() {
        assertThrows(IllegalArgumentException.class, () -> new Windower(100, 200));
    }
}
