package io.museflow.sweep;

import io.museflow.data.Target;
import io.museflow.store.AtomicFiles;
import io.museflow.prepared.PreparedData;
import io.museflow.results.TrialRow;
import io.museflow.results.ResultTables;
import io.museflow.results.SweepLayout;
import io.museflow.results.TrialsTable;
import io.museflow.trial.TrialRun;
import io.museflow.data.InputDataException;
import io.museflow.learn.TrialSpec;
import io.museflow.learn.train.Trainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.SerializableConfiguration;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One trial as a Spark task: on an executor, with the GPU Spark assigned to it (if any), it reads the
 * prepared data with the Parquet library, trains, and commits its files (learning curve,
 * predictions, model, and last its row in {@code trials/}) each exactly once. A trial that throws,
 * diverges or runs out of memory is recorded as failed and the task succeeds, so Spark never
 * retries a deterministic failure; a task that dies (executor loss) is retried by Spark and finds
 * whatever its earlier attempt committed.
 */
public final class SweepTask implements Serializable {
    /** Test seam: crash the first attempt at this point (after-predictions | after-row), as executor loss would. */
    static final String CRASH_PROPERTY = "museflow.sweep.test.crash-first-attempt";

    record Result(TrialRow row, boolean skipped) implements Serializable {
    }

    /** What a task trains: a unimodal or early-fusion trial, or a late-fusion trial. */
    public interface Unit extends Serializable {
        String id();

        String name();

        List<Target> targets();

        /** The row's hyperparameter and provenance columns. */
        TrialRow describe();

        TrialRun train(Configuration conf, java.util.function.Consumer<Trainer.Epoch> epochs) throws IOException;
    }

    /** A trial of the grid: reads its data from the prepared set. */
    record GridUnit(TrialSpec spec, String id, String fingerprint) implements Unit {
        public String name() {
            return spec.name();
        }

        public List<Target> targets() {
            return spec.targets();
        }

        public TrialRow describe() {
            return TrialsTable.describe(id, spec, fingerprint);
        }

        public TrialRun train(Configuration conf, java.util.function.Consumer<Trainer.Epoch> epochs) throws IOException {
            PreparedData data = PreparedData.open(spec.data(), conf);
            if (!data.fingerprint().equals(fingerprint)) {
                throw new InputDataException(spec.data() + " changed since the sweep started (data fingerprint "
                        + data.fingerprint() + ", expected " + fingerprint + ")");
            }
            return TrialRun.run(spec, data, m -> { }, epochs);
        }
    }

    private final Unit unit;
    private final String output;
    private final int threads;
    private final boolean saveModels;
    private final SerializableConfiguration hadoop;

    SweepTask(Unit unit, String output, int threads, boolean saveModels, Configuration conf) {
        this.unit = unit;
        this.output = output;
        this.threads = threads;
        this.saveModels = saveModels;
        this.hadoop = new SerializableConfiguration(conf);
    }

    public static Path rowFile(String output, String id) {
        return new Path(output, SweepLayout.TRIALS + "/" + id + ".parquet");
    }

    Result run() throws IOException {
        Configuration conf = hadoop.value();
        String id = unit.id();
        Path rowFile = rowFile(output, id);
        FileSystem fs = rowFile.getFileSystem(conf);
        if (fs.exists(rowFile)) { // an earlier attempt finished this trial
            return new Result(TrialsTable.read(rowFile, conf), true);
        }
        TaskContext task = TaskContext.get();
        int attempt = task == null ? 0 : task.attemptNumber();
        TrialRow row = unit.describe();
        row.set("attempt", attempt);
        row.set("executor", SparkEnv.get() == null ? "local" : SparkEnv.get().executorId());
        row.set("gpu", selectGpu(task));
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        long start = System.nanoTime();
        List<Trainer.Epoch> epochs = new ArrayList<>();
        TrialRun run = null;
        System.err.printf("[trial %s] start: %s (attempt %d)%n", id, unit.name(), attempt);
        try {
            run = unit.train(conf, epochs::add);
            TrialsTable.succeeded(row, run);
        } catch (Exception | OutOfMemoryError | StackOverflowError | LinkageError e) {
            if (Thread.currentThread().isInterrupted() || (task != null && task.isInterrupted())) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException("trial cancelled", e);
            }
            run = null;
            TrialsTable.failed(row, e);
        }
        row.set("seconds", (System.nanoTime() - start) / 1e9);
        row.set("finished_at_ms", System.currentTimeMillis());
        Path out = new Path(output);
        if (run != null) {
            ResultTables.writeEpochs(new Path(out, SweepLayout.EPOCHS + "/" + id + ".parquet"), conf, id,
                    unit.targets(), epochs);
            ResultTables.writePredictions(SweepLayout.predictionsFile(output, id), conf, id, run);
            crashIfAsked("after-predictions", attempt);
            if (saveModels && run.net() != null) {
                writeModel(run, new Path(out, SweepLayout.MODELS + "/" + id + ".zip"), conf);
            }
        }
        release(run);
        boolean committed = TrialsTable.write(rowFile, conf, row);
        System.err.printf("[trial %s] %s in %.1f s: %s%n", id, row.status().key(), row.seconds(),
                row.ok() ? "devel CCC " + row.develCcc().getAsDouble() : row.error());
        if (!committed) { // a concurrent attempt (speculation) committed first: its row is the row
            return new Result(TrialsTable.read(rowFile, conf), true);
        }
        crashIfAsked("after-row", attempt);
        return new Result(row, false);
    }

    /**
     * Frees what a finished trial holds outside the heap now rather than when the collector gets to
     * it: the network's parameters, gradients and updater state, and the workspaces ND4J keeps per
     * thread (an executor's task threads are pooled, so they would outlive the trial).
     */
    private static void release(TrialRun run) {
        if (run != null && run.net() != null) {
            run.net().close();
        }
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
    }

    /**
     * The GPU Spark's resource scheduling assigned to this task (spark.task.resource.gpu.amount),
     * made the current device when ND4J runs on CUDA; null without one. On the CPU backend the
     * address is only recorded.
     */
    static String selectGpu(TaskContext task) {
        if (task == null) {
            return null;
        }
        ResourceInformation gpu = task.resourcesJMap().get("gpu");
        if (gpu == null || gpu.addresses().length == 0) {
            return null;
        }
        String address = gpu.addresses()[0];
        if (Nd4j.getBackend().getClass().getName().toLowerCase(java.util.Locale.ROOT).contains("jcublas")) {
            Nd4j.getAffinityManager().unsafeSetDevice(Integer.parseInt(address.trim()));
        }
        return String.join(",", gpu.addresses());
    }

    private static void writeModel(TrialRun run, Path target, Configuration conf) throws IOException {
        AtomicFiles.commitOnce(target, conf, tmp -> {
            try (FSDataOutputStream o = tmp.getFileSystem(conf).create(tmp)) {
                ModelSerializer.writeModel(run.net(), o, true);
            }
        });
    }

    private static void crashIfAsked(String point, int attempt) {
        if (attempt == 0 && point.equals(System.getProperty(CRASH_PROPERTY))) {
            throw new IllegalStateException("injected crash " + point + " (test of task retries)");
        }
    }
}
