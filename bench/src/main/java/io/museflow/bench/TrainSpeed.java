package io.museflow.bench;

import io.museflow.learn.model.LossKind;
import io.museflow.learn.model.StackedRnnModel;
import io.museflow.learn.model.StackedRnnSpec;
import io.museflow.learn.model.SunModel;
import io.museflow.learn.model.SunSpec;
import io.museflow.learn.rnn.CellType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Time per training epoch of a stacked recurrent model on random data, the shapes of the issue:
 * {@code windows × frames × features}, batch size, hidden units. Prints one line:
 * {@code model seconds_per_epoch inference_seconds_for_one_long_video first_epoch_seconds
 * all_epochs_seconds}; the mean is over EPOCHS epochs after WARMUP (environment, default 3) warm-up
 * epochs, and the last figure is the time of all WARMUP + EPOCHS epochs.
 * Usage: TrainSpeed MODEL WINDOWS FRAMES FEATURES BATCH HIDDEN EPOCHS LONG_FRAMES
 * with MODEL one of bigru4, bilstm4, attn-bilstm.
 */
public final class TrainSpeed {
    private TrainSpeed() {
    }

    public static void main(String[] a) {
        String model = a[0];
        int windows = Integer.parseInt(a[1]);
        int frames = Integer.parseInt(a[2]);
        int features = Integer.parseInt(a[3]);
        int batch = Integer.parseInt(a[4]);
        int hidden = Integer.parseInt(a[5]);
        int epochs = Integer.parseInt(a[6]);
        int longFrames = Integer.parseInt(a[7]);
        MultiLayerNetwork net = switch (model) {
            case "bigru4", "bilstm4" -> StackedRnnModel.build(new StackedRnnSpec(features, 1, 4,
                    model.equals("bigru4") ? CellType.GRU : CellType.LSTM, true, hidden, 0.0, LossKind.CCC), 1, 1e-3,
                    DataType.FLOAT);
            // Sun et al.: projection to `hidden` width, 4-head attention block, BiLSTM of `hidden`.
            case "attn-bilstm" -> SunModel.build(new SunSpec(features, 1, hidden, 4, 1, 1, hidden, 0.0, LossKind.CCC), 1,
                    1e-3, DataType.FLOAT);
            default -> throw new IllegalArgumentException("unknown model " + model);
        };
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, windows, features, frames);
        INDArray y = Nd4j.rand(DataType.FLOAT, windows, 1, frames);
        INDArray m = Nd4j.ones(DataType.FLOAT, windows, frames);
        // Warm-up epochs (WARMUP, default 3): the JIT compiles the hot loops during the first ones.
        int warmup = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "3"));
        long w0 = System.nanoTime();
        runEpoch(net, x, y, m, batch);
        double first = (System.nanoTime() - w0) / 1e9;
        for (int e = 1; e < warmup; e++) {
            runEpoch(net, x, y, m, batch);
        }
        long start = System.nanoTime();
        StringBuilder each = new StringBuilder("epoch seconds:");
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            runEpoch(net, x, y, m, batch);
            each.append(String.format(" %.3f", (System.nanoTime() - t0) / 1e9));
        }
        double perEpoch = (System.nanoTime() - start) / 1e9 / epochs;
        double everyEpoch = (System.nanoTime() - w0) / 1e9; // warm-up and timed epochs: what a trial of that length pays
        System.err.println(each); // the JIT's warm-up shows in the first timed epochs
        INDArray video = Nd4j.rand(DataType.FLOAT, 1, features, longFrames);
        net.output(video);
        long t0 = System.nanoTime();
        net.output(video);
        double inference = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s %.3f %.3f %.3f %.3f%n", model, perEpoch, inference, first, everyEpoch);
    }

    // Minibatches are views of the data set, as the PyTorch twin's slices are: a slice of the first
    // dimension of a c-order array is contiguous, and the layers read it in place (copying it was
    // 1-1.5 % of an attention + BiLSTM epoch at 262 windows that PyTorch's side did not pay).
    private static void runEpoch(MultiLayerNetwork net, INDArray x, INDArray y, INDArray m, int batch) {
        long n = x.size(0);
        for (long i = 0; i < n; i += batch) {
            long j = Math.min(n, i + batch);
            INDArray mask = m.get(NDArrayIndex.interval(i, j));
            net.fit(x.get(NDArrayIndex.interval(i, j)), y.get(NDArrayIndex.interval(i, j)), mask, mask);
        }
    }
}
