package io.museflow.learn.train;

import io.museflow.learn.OffHeap;
import io.museflow.learn.layers.FrameOutputLayer;
import io.museflow.learn.loss.OutputGradientLoss;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;

/**
 * One optimizer step over a minibatch taken in micro-batches of at most {@code size} windows, with
 * the whole minibatch's gradient: only one micro-batch's activations are alive at a time, so the
 * memory a step needs stops growing with the batch size.
 *
 * <p>Why two passes rather than summing each micro-batch's own gradient: museflow's CCC losses take
 * means and variances over the whole minibatch ({@code ccc-reduction = batch | both}), so one
 * window's gradient depends on every other window's predictions, and accumulating micro-batches
 * scored on their own would train another loss. Pass 1 predicts every micro-batch, keeping only the
 * outputs (frames × targets); the configured loss and its gradient with respect to the outputs are
 * computed on the whole minibatch's outputs; pass 2 runs forward and backward per micro-batch with
 * its slice of that gradient as the labels of an {@link OutputGradientLoss}, summing the parameter
 * gradients, and the last micro-batch's {@code fit} hands the sum to the updater as one step (one
 * iteration for Adam). Pass 1 runs in inference mode unless the network has dropout. The result
 * equals the whole-minibatch step up to float summation order, for one more forward pass per step.
 * With dropout, each micro-batch's forward passes are seeded alike, so both passes draw the same
 * masks (ND4J's CPU random generator; cuDNN's dropout keeps its own state, where pass 1's outputs
 * are then a close estimate rather than the same).
 */
final class MicroBatches implements AutoCloseable {
    private final MultiLayerNetwork net;
    private final int size;
    private final Collection<TrainingListener> listenersBefore;
    private final PendingGradient pending = new PendingGradient();
    private final boolean dropout;
    private final Random dropoutSeeds;

    /** Opens micro-batch steps on {@code net} until {@link #close()} (which restores its listeners). */
    MicroBatches(MultiLayerNetwork net, int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("micro-batch size must be positive, got " + size);
        }
        this.net = net;
        this.size = size;
        this.listenersBefore = new ArrayList<>(net.getListeners());
        this.dropout = net.getLayerWiseConfigurations().getConfs().stream()
                .map(NeuralNetConfiguration::getLayer).anyMatch(l -> l.getIDropout() != null);
        this.dropoutSeeds = new Random(seed ^ 0x6d6963726f42L);
        net.addListeners(pending);
    }

    /** One update of {@code net} from {@code batch}; returns the minibatch's loss before the update. */
    double step(List<Sequence> batch, DataType type) {
        int steps = Batch.longest(batch); // every micro-batch padded alike: one layout for the whole minibatch
        int parts = (batch.size() + size - 1) / size;
        long stepSeed = dropout ? dropoutSeeds.nextLong() : 0;
        INDArray[] outputs = new INDArray[parts];
        INDArray[] labels = new INDArray[parts];
        INDArray[] masks = new INDArray[parts];
        for (int i = 0; i < parts; i++) {
            Batch b = Batch.of(part(batch, i), type, steps);
            seedDropout(stepSeed, i);
            // Without dropout both modes compute the same outputs, and inference keeps nothing for a
            // backward pass. (One inference pass over the whole minibatch instead of per part saved
            // 5-16 % of a trial's time and cost about 530 MB of peak memory for two trials: measured, not kept.)
            outputs[i] = net.output(b.features(), dropout, b.mask(), b.mask());
            labels[i] = b.labels();
            masks[i] = b.mask();
            OffHeap.release(b.features());
        }
        INDArray out = whole(outputs);
        INDArray y = whole(labels);
        INDArray m = whole(masks);
        FrameOutputLayer.LossAndGradient total = FrameOutputLayer.lossAndGradient(net, out, y, m);
        OffHeap.release(out, y, m);
        ILossFunction loss = FrameOutputLayer.replaceLoss(net, new OutputGradientLoss());
        INDArray sum = null;
        try {
            for (int i = 0; i < parts; i++) {
                List<Sequence> part = part(batch, i);
                // Built again rather than kept from pass 1: keeping every part's features would hold the
                // whole minibatch's input, which for a wide feature set is what the parts avoid.
                Batch b = Batch.of(part, type, steps);
                INDArray g = total.gradient().get(NDArrayIndex.interval((long) i * size, (long) i * size + part.size()),
                        NDArrayIndex.all(), NDArrayIndex.all()).dup();
                seedDropout(stepSeed, i);
                if (i < parts - 1) {
                    net.setInput(b.features());
                    net.setLabels(g);
                    net.setLayerMaskArrays(b.mask(), b.mask());
                    net.computeGradientAndScore();
                    net.clearLayerMaskArrays();
                    if (sum == null) {
                        sum = net.getGradientsViewArray().dup();
                    } else {
                        sum.addi(net.getGradientsViewArray());
                    }
                } else {
                    pending.sum = sum; // added to the last micro-batch's gradient before the updater sees it
                    net.fit(b.features(), g, b.mask(), b.mask());
                }
                b.release();
                OffHeap.release(g);
            }
        } finally {
            pending.sum = null;
            FrameOutputLayer.replaceLoss(net, loss);
            OffHeap.release(sum, total.gradient());
        }
        return total.loss();
    }

    /** The parts joined along the minibatch (the one part itself); joined parts are freed. */
    private static INDArray whole(INDArray[] parts) {
        if (parts.length == 1) {
            return parts[0];
        }
        INDArray joined = Nd4j.concat(0, parts);
        OffHeap.release(parts);
        return joined;
    }

    private List<Sequence> part(List<Sequence> batch, int i) {
        return batch.subList(i * size, Math.min(batch.size(), (i + 1) * size));
    }

    private void seedDropout(long stepSeed, int part) {
        if (dropout) {
            Nd4j.getRandom().setSeed(stepSeed + part);
        }
    }

    @Override
    public void close() {
        net.setListeners(listenersBefore);
    }

    /** Adds the earlier micro-batches' summed gradient once the network has computed the last one's. */
    private static final class PendingGradient extends BaseTrainingListener {
        private INDArray sum;

        @Override
        public void onGradientCalculation(Model model) {
            if (sum != null) {
                ((MultiLayerNetwork) model).getGradientsViewArray().addi(sum);
            }
        }
    }
}
