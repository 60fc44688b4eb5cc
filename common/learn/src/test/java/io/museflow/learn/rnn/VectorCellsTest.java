package io.museflow.learn.rnn;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Vector API step kernels against FloatCells' loops on the same arguments: every array each one
 * writes, at hidden sizes that are whole registers, less than one, and whole ones plus a tail, at
 * row offsets that are not register-aligned; with and without caches for backward.
 */
class VectorCellsTest {
    private static final int[] HIDDEN = {5, 16, 19, 64, 67};

    private static float[] random(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (random.nextGaussian() * 1.5);
        }
        return a;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-6f * Math.max(1f, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    @Test
    void lstmForwardAndBackwardMatchTheLoops() {
        Random random = new Random(3);
        for (int h : HIDDEN) {
            for (boolean training : new boolean[]{true, false}) {
                int g = 4 * h;
                // Two rows' worth of room; the step works on the second (offsets not multiples of a register).
                int pg = g + 3;
                int ph = h + 1;
                int rb0 = g + 2;
                int sb = h + 5;
                float[] pre = random(random, 2 * g + 8);
                float[] bias = random(random, g);
                float[] rec = random(random, 2 * g + 8);
                float[] state = random(random, 2 * h + 8);
                float[] cell = random(random, 2 * h + 8);
                float[][] loops = {state.clone(), cell.clone(), new float[2 * g + 8], new float[2 * h + 8],
                        new float[2 * h + 8], new float[2 * h + 8]};
                float[][] vector = {state.clone(), cell.clone(), new float[2 * g + 8], new float[2 * h + 8],
                        new float[2 * h + 8], new float[2 * h + 8]};
                FloatCells.lstm(h, pg, ph, rb0, sb, pre, bias, rec, loops[0], loops[1], training, loops[2], loops[3],
                        loops[4], loops[5], new float[5 * h]);
                VectorCells.lstm(h, pg, ph, rb0, sb, pre, bias, rec, vector[0], vector[1], training, vector[2],
                        vector[3], vector[4], vector[5], new float[5 * h]);
                String[] names = {"state", "cell", "gates", "aux", "tanhC", "out"};
                for (int i = 0; i < names.length; i++) {
                    assertClose(loops[i], vector[i], "h = " + h + ", training = " + training + ": " + names[i]);
                }
                if (!training) {
                    continue;
                }
                int sg = g + 1;
                float[] dOut = random(random, 2 * h + 8);
                float[] dh = random(random, 2 * h + 8);
                float[] dc = random(random, 2 * h + 8);
                float[] db = random(random, g);
                float[][] back = {dh.clone(), dc.clone(), new float[2 * g + 8], new float[2 * g + 8], db.clone()};
                float[][] vback = {dh.clone(), dc.clone(), new float[2 * g + 8], new float[2 * g + 8], db.clone()};
                FloatCells.lstmBackward(h, pg, ph, sg, sb, back[0], back[1], dOut, loops[2], loops[4], loops[3],
                        back[2], back[3], back[4], new float[h]);
                VectorCells.lstmBackward(h, pg, ph, sg, sb, vback[0], vback[1], dOut, loops[2], loops[4], loops[3],
                        vback[2], vback[3], vback[4], new float[h]);
                String[] backNames = {"dh", "dc", "dPre", "stepRec", "db"};
                for (int i = 0; i < backNames.length; i++) {
                    assertClose(back[i], vback[i], "h = " + h + ": " + backNames[i]);
                }
            }
        }
    }

    @Test
    void gruForwardAndBackwardMatchTheLoops() {
        Random random = new Random(4);
        for (int h : HIDDEN) {
            for (boolean training : new boolean[]{true, false}) {
                int g = 3 * h;
                int pg = g + 3;
                int ph = h + 1;
                int rb0 = g + 2;
                int sb = h + 5;
                float[] pre = random(random, 2 * g + 8);
                float[] bias = random(random, g);
                float[] rec = random(random, 2 * g + 8);
                float[] rb = random(random, g);
                float[] state = random(random, 2 * h + 8);
                float[][] loops = {state.clone(), new float[2 * g + 8], new float[2 * h + 8], new float[2 * h + 8]};
                float[][] vector = {state.clone(), new float[2 * g + 8], new float[2 * h + 8], new float[2 * h + 8]};
                FloatCells.gru(h, pg, ph, rb0, sb, pre, bias, rec, rb, loops[0], training, loops[1], loops[2],
                        loops[3], new float[4 * h]);
                VectorCells.gru(h, pg, ph, rb0, sb, pre, bias, rec, rb, vector[0], training, vector[1], vector[2],
                        vector[3], new float[4 * h]);
                String[] names = {"state", "gates", "aux", "out"};
                for (int i = 0; i < names.length; i++) {
                    assertClose(loops[i], vector[i], "h = " + h + ", training = " + training + ": " + names[i]);
                }
                if (!training) {
                    continue;
                }
                int sg = g + 1;
                float[] dOut = random(random, 2 * h + 8);
                float[] hPrev = random(random, 2 * h + 8);
                float[] dh = random(random, 2 * h + 8);
                float[] db = random(random, g);
                float[] drb = random(random, g);
                float[][] back = {dh.clone(), new float[2 * g + 8], new float[2 * g + 8], db.clone(), drb.clone()};
                float[][] vback = {dh.clone(), new float[2 * g + 8], new float[2 * g + 8], db.clone(), drb.clone()};
                FloatCells.gruBackward(h, pg, ph, sg, sb, back[0], dOut, loops[1], hPrev, loops[2], back[1], back[2],
                        back[3], back[4]);
                VectorCells.gruBackward(h, pg, ph, sg, sb, vback[0], dOut, loops[1], hPrev, loops[2], vback[1],
                        vback[2], vback[3], vback[4]);
                String[] backNames = {"dh", "dPre", "stepRec", "db", "drb"};
                for (int i = 0; i < backNames.length; i++) {
                    assertClose(back[i], vback[i], "h = " + h + ": " + backNames[i]);
                }
            }
        }
    }
}
