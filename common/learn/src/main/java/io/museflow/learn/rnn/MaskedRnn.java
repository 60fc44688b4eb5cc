package io.museflow.learn.rnn;

import io.museflow.learn.layers.LayerWiring;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * Configuration of a masked, optionally bidirectional LSTM or GRU layer ({@code nOut} hidden units
 * per direction; a bidirectional layer outputs {@code 2·nOut}: forward, then backward). Unlike
 * DL4J's {@code Bidirectional} wrapper (which ignores masks inside a ComputationGraph), the backward
 * direction reverses each sequence within its own length, and padded frames leave real frames'
 * outputs and gradients untouched. Input in NCW format, {@code [mb, nIn, T]}, masks {@code [mb, T]}
 * with the padding at the end.
 */
public class MaskedRnn extends BaseRecurrentLayer {
    private static final long serialVersionUID = 1L;

    private CellType cell = CellType.GRU;
    private boolean bidirectional = true;
    private boolean inputGradient = true;

    /** For JSON deserialization. */
    public MaskedRnn() {
    }

    public MaskedRnn(CellType cell, boolean bidirectional, long nIn, long nOut) {
        this.cell = cell;
        this.bidirectional = bidirectional;
        setNIn(nIn);
        setNOut(nOut);
        setRnnDataFormat(RNNFormat.NCW);
    }

    public CellType getCell() {
        return cell;
    }

    public void setCell(CellType cell) {
        this.cell = cell;
    }

    public boolean isBidirectional() {
        return bidirectional;
    }

    public void setBidirectional(boolean bidirectional) {
        this.bidirectional = bidirectional;
    }

    /** Whether backpropagation computes the gradient of this layer's input (it does by default). */
    public boolean isInputGradient() {
        return inputGradient;
    }

    /**
     * {@code false} for the first layer of a network trained by {@code fit}: its input is the data,
     * whose gradient nobody reads (PyTorch does not compute it either), and computing it was 2-3 % of
     * a 4 × BiGRU epoch. Backpropagation then returns no input gradient ({@code null}).
     */
    public void setInputGradient(boolean inputGradient) {
        this.inputGradient = inputGradient;
    }

    /** Width of this layer's output. */
    public long outputSize() {
        return bidirectional ? 2 * getNOut() : getNOut();
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return LayerWiring.wire(new MaskedRnnImpl(conf, networkDataType), conf, listeners, layerIndex, layerParamsView,
                initializeParams, initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return MaskedRnnParamInitializer.getInstance();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType.getType() != InputType.Type.RNN) {
            throw new IllegalStateException("MaskedRnn (layer " + layerIndex + ") needs recurrent input, got " + inputType);
        }
        return InputType.recurrent(outputSize(), ((InputType.InputTypeRecurrent) inputType).getTimeSeriesLength(),
                RNNFormat.NCW);
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(layerName, MaskedRnn.class, inputType, getOutputType(-1, inputType))
                .standardMemory(params, 2 * params)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskedRnn m && super.equals(o) && m.cell == cell && m.bidirectional == bidirectional
                && m.inputGradient == inputGradient;
    }

    @Override
    public int hashCode() {
        return super.hashCode() * 31 + cell.hashCode() * 4 + (bidirectional ? 2 : 0) + (inputGradient ? 1 : 0);
    }
}
