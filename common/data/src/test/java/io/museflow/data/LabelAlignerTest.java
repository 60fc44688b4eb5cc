package io.museflow.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelAlignerTest {
    private static final float NAN = Float.NaN;

    private static FeatureSeries series(long[] ts, float[] values) {
        int d = values.length / ts.length;
        String[] names = new String[d];
        for (int i = 0; i < d; i++) {
            names[i] = "f" + i;
        }
        return new FeatureSeries("s.csv", names, ts, new int[ts.length], values, 0);
    }

    @Test
    void joinMatchesEqualTimestampsAndMarksTheRestMissing() {
        // Labels at uneven times (a cut between 500 and 1500); the set starts at 250 ms, lacks 1500,
        // has a row at 1000 inside the cut, and one all-NaN row at 1750.
        long[] labels = {0, 250, 500, 1500, 1750, 2000};
        FeatureSeries s = series(new long[]{250, 500, 1000, 1750, 2000},
                new float[]{1, 2, 3, NAN, 5, 6, NAN, NAN, 9, 10});
        AlignedFeatures a = LabelAligner.join(labels, s);
        assertArrayEquals(new boolean[]{false, true, true, false, false, true}, a.valid());
        assertArrayEquals(new float[]{NAN, NAN, 1, 2, 3, NAN, NAN, NAN, NAN, NAN, 9, 10}, a.values());
        assertEquals(3, a.missingFrames());
        assertEquals(1, a.nanCells(), "the NaN cell at 500 ms; the all-NaN frame counts as missing");
        assertEquals(1, a.unusedRows(), "the row at 1000 ms falls in the cut");
        assertEquals(0.5, a.coverage(), 1e-12);
    }

    @Test
    void windowMeanAveragesRowsAroundEachLabelIgnoringNaNCells() {
        // 250 ms labels, window [t-125, t+125). Rows every 100 ms, two columns.
        long[] labels = {0, 250, 1000};
        long[] ts = {0, 100, 200, 300, 400};
        float[] v = {
                1, 10,   // 0    -> label 0
                3, NAN,  // 100  -> label 0
                5, 30,   // 200  -> label 250 (window 125..375)
                7, 40,   // 300  -> label 250
                9, 50};  // 400  -> none (label 250's window ends at 375, label 1000's starts at 875)
        AlignedFeatures a = LabelAligner.windowMean(labels, series(ts, v), 250);
        assertArrayEquals(new boolean[]{true, true, false}, a.valid());
        assertEquals((1 + 3) / 2f, a.values()[0]);
        assertEquals(10f, a.values()[1], "the NaN cell is skipped, not counted as zero");
        assertEquals((5 + 7) / 2f, a.values()[2]);
        assertEquals((30 + 40) / 2f, a.values()[3]);
        assertTrue(Float.isNaN(a.values()[4]) && Float.isNaN(a.values()[5]));
        assertEquals(1, a.missingFrames());
        assertEquals(1, a.unusedRows());
    }

    @Test
    void windowMeanWithAColumnNaNThroughoutTheWindowLeavesThatCellNaN() {
        AlignedFeatures a = LabelAligner.windowMean(new long[]{0}, series(new long[]{-50, 50}, new float[]{1, NAN, 3, NAN}), 250);
        assertTrue(a.valid()[0]);
        assertEquals(2f, a.values()[0]);
        assertTrue(Float.isNaN(a.values()[1]));
        assertEquals(1, a.nanCells());
    }

    @Test
    void joinOfEmptyOverlapIsAllMissing() {
        AlignedFeatures a = LabelAligner.join(new long[]{0, 250}, series(new long[]{5000}, new float[]{1}));
        assertFalse(a.valid()[0] || a.valid()[1]);
        assertEquals(0.0, a.coverage());
    }
}
