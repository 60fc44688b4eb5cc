package io.museflow.bench;

import io.museflow.learn.HostRows;
import io.museflow.learn.rnn.CellType;
import io.museflow.learn.rnn.RecurrentPass;
import io.museflow.learn.rnn.RnnParams;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Milliseconds per forward and per backward pass of one recurrent direction on random data
 * (profiling aid for bench/train-speed). Usage: PassSpeed CELL MB NIN T HIDDEN REPS [BLAS_MIN_BATCH].
 */
public final class PassSpeed {
    private PassSpeed() {
    }

    public static void main(String[] a) {
        CellType cell = CellType.valueOf(a[0]);
        int mb = Integer.parseInt(a[1]);
        int nIn = Integer.parseInt(a[2]);
        int steps = Integer.parseInt(a[3]);
        int h = Integer.parseInt(a[4]);
        int reps = Integer.parseInt(a[5]);
        int g = cell.gates() * h;
        Nd4j.getRandom().setSeed(1);
        RnnParams p = new RnnParams(Nd4j.rand(DataType.FLOAT, nIn, g).subi(0.5).muli(0.2),
                Nd4j.rand(DataType.FLOAT, h, g).subi(0.5).muli(0.2), Nd4j.rand(DataType.FLOAT, 1, g).subi(0.5),
                cell == CellType.GRU ? Nd4j.rand(DataType.FLOAT, 1, g).subi(0.5) : null);
        INDArray x = Nd4j.rand(DataType.FLOAT, mb, nIn, steps);
        double[] mask = new double[mb * steps];
        java.util.Arrays.fill(mask, 1.0);
        HostRows dOut = new HostRows(DataType.FLOAT).ensure(mb * steps * h);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < mb * steps * h; i++) {
            dOut.floats()[i] = (float) (r.nextGaussian() * 0.01);
        }
        INDArray dx = Nd4j.create(DataType.FLOAT, mb, nIn, steps);
        RecurrentPass pass = new RecurrentPass(cell, h, a.length > 6 ? Integer.parseInt(a[6]) : RecurrentPass.BLAS_MIN_BATCH);
        RecurrentPass.Cache k = new RecurrentPass.Cache();
        long infer = 0;
        long fwd = 0;
        long bwd = 0;
        long inp = 0;
        for (int rep = 0; rep < reps + 3; rep++) {
            long ti = System.nanoTime();
            pass.forward(x, mask, false, p, false, new RecurrentPass.Cache());
            long t0 = System.nanoTime();
            pass.forward(x, mask, false, p, true, k);
            long t1 = System.nanoTime();
            pass.backward(k, dOut, p);
            long t2 = System.nanoTime();
            pass.inputGradient(k, p, dx, false);
            long t3 = System.nanoTime();
            if (rep >= 3) {
                fwd += t1 - t0;
                infer += t0 - ti;
                bwd += t2 - t1;
                inp += t3 - t2;
            }
        }
        System.out.printf("%s mb=%d inference %.2f ms, forward %.2f ms, backward %.2f ms, input gradient %.2f ms%n", cell, mb,
                infer / 1e6 / reps, fwd / 1e6 / reps, bwd / 1e6 / reps, inp / 1e6 / reps);
    }
}
