package io.museflow.learn.fusion;

import io.museflow.data.Windower;
import io.museflow.learn.train.Sequence;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LateFusionTest {
    private static final FusionColumn AUDIO = new FusionColumn("audio-trial",
            Map.of("v1", new float[]{1, 2, 3}, "v2", new float[]{4, 5}));
    private static final FusionColumn RE = new FusionColumn("re:egemaps",
            Map.of("v1", new float[]{10, 20, 30}, "v2", new float[]{40, 50}));

    @Test
    void columnsBecomeInputsFrameByFrame() {
        List<Sequence> s = LateFusion.videos(List.of("v1", "v2"), List.of(AUDIO, RE),
                Map.of("v1", new float[]{.1f, .2f, .3f}, "v2", new float[]{.4f, Float.NaN}), 1);
        assertEquals(2, s.get(0).inputs());
        assertArrayEquals(new float[]{1, 10, 2, 20, 3, 30}, s.get(0).features());
        assertArrayEquals(new float[]{4, 40, 5, 50}, s.get(1).features());
        assertTrue(Float.isNaN(s.get(1).labels()[1]), "unannotated frames stay NaN (masked by the loss)");
    }

    @Test
    void windowsCutTheTrainVideos() {
        List<Sequence> videos = LateFusion.videos(List.of("v1"), List.of(AUDIO),
                Map.of("v1", new float[]{.1f, .2f, .3f}), 1);
        List<Sequence> w = Sequence.windows(videos, new Windower(2, 1));
        assertEquals(List.of("v1#0", "v1#1"), w.stream().map(Sequence::id).toList());
        assertArrayEquals(new float[]{2, 3}, w.get(1).features());
        assertArrayEquals(new float[]{.2f, .3f}, w.get(1).labels());
    }

    @Test
    void mismatchesNameTheColumnAndTheVideo() {
        IllegalArgumentException frames = assertThrows(IllegalArgumentException.class, () -> LateFusion.videos(
                List.of("v1"), List.of(AUDIO), Map.of("v1", new float[]{.1f, .2f}), 1));
        assertTrue(frames.getMessage().contains("audio-trial") && frames.getMessage().contains("v1")
                && frames.getMessage().contains("3 frames"), frames.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> LateFusion.videos(
                List.of("v3"), List.of(AUDIO), Map.of("v3", new float[]{.1f}), 1));
        assertTrue(missing.getMessage().contains("audio-trial") && missing.getMessage().contains("v3"),
                missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LateFusion.videos(List.of("v1"), List.of(), Map.of(), 1));
    }
}
