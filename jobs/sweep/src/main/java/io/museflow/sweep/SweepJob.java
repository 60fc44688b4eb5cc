package io.museflow.sweep;

import io.museflow.store.AtomicFiles;
import io.museflow.job.CodeVersion;
import io.museflow.job.Console;
import io.museflow.job.JobFailure;
import io.museflow.job.Jobs;
import io.museflow.prepared.PreparedData;
import io.museflow.results.TrialRow;
import io.museflow.results.TrialStatus;
import io.museflow.report.ReportJob;
import io.museflow.report.SweepReport;
import io.museflow.results.SweepLayout;
import io.museflow.results.TrialsTable;
import io.museflow.store.OutputDir;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.museflow.data.InputDataException;
import io.museflow.learn.TrialSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;


/**
 * {@code spark-submit jobs/sweep.jar --grid FILE [--dry-run] [key=value ...]}: a hyperparameter sweep.
 * Every trial of the grid that the output folder does not hold yet becomes one Spark job of one
 * task (named after the trial in the Spark UI), so trials spread over the executors' free slots;
 * the driver reports progress as they finish and writes the summary views at the end. Rerunning
 * the same or a grown grid trains only the missing trials.
 */
public final class SweepJob {
    static final String USAGE = """
            usage: spark-submit jobs/sweep.jar --grid FILE [--dry-run] [key=value ...]
              FILE is HOCON with a museflow.sweep section (conf/demo.conf, conf/arousal.conf, conf/valence.conf);
              keys and their defaults are documented in reference.conf; key=value overrides any of them.
              --dry-run lists the trials and their count without training.""";

    private SweepJob() {
    }

    /** What one run of the sweep did. */
    public record Report(int total, int skipped, int trained, int failed, double trialSeconds, double seconds, String best,
                         String report) {
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>();
        boolean dryRun = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--grid" -> rest.add("--config");
                case "--dry-run" -> dryRun = true;
                default -> rest.add(args[i]);
            }
        }
        if (dryRun && !rest.contains("--help")) {
            JobFailure.guard("sweep", () -> {
                dryRun(SweepGrid.load(rest), new Configuration());
                return null;
            });
            return;
        }
        Jobs.main("sweep", USAGE, rest.toArray(new String[0]), a -> {
            SweepGrid grid = SweepGrid.load(a);
            sparkSettings(grid, new SparkConf()).forEach(System::setProperty); // read by the session Jobs creates
            return spark -> run(spark, grid);
        });
    }

    /**
     * Spark settings a sweep needs and the user did not set: one trial's threads as its task slots
     * ({@code spark.task.cpus}) and as the executors' OpenMP threads, so an executor never runs more
     * threads than it has cores; no console progress bar (the sweep prints its own per trial).
     */
    static Map<String, String> sparkSettings(SweepGrid grid, SparkConf conf) {
        Map<String, String> out = new LinkedHashMap<>();
        String threads = String.valueOf(grid.threadsPerTrial());
        for (Map.Entry<String, String> e : Map.of("spark.task.cpus", threads, "spark.executorEnv.OMP_NUM_THREADS",
                threads, "spark.ui.showConsoleProgress", "false").entrySet()) {
            if (!conf.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * Lists the grid's trials without starting Spark. Before the data set is prepared a trial's id
     * (a hash that includes the data fingerprint), whether the output holds it, and whether the data
     * set has its feature sets cannot be known: those columns say so, and the rest is listed.
     */
    static void dryRun(SweepGrid grid, Configuration conf) throws IOException {
        Path dataManifest = new Path(grid.data(), OutputDir.MANIFEST);
        boolean prepared = dataManifest.getFileSystem(conf).exists(dataManifest);
        PreparedData data = prepared ? PreparedData.open(grid.data(), conf) : null;
        if (prepared) {
            for (TrialSpec t : grid.trials()) {
                t.setsRead().forEach(data::width);
            }
        }
        Set<String> done = prepared ? SweepLayout.committed(new Path(grid.output()), conf) : Set.of();
        int i = 0;
        int pending = 0;
        for (TrialSpec t : grid.trials()) {
            String id = prepared ? t.id(data.fingerprint()) : "?";
            boolean isDone = done.contains(id);
            pending += isDone ? 0 : 1;
            System.out.printf("%4d  %-16s  %-7s  %s%n", ++i, id, isDone ? "done" : "pending",
                    t.name());
        }
        if (prepared) {
            System.out.printf("%d trials (%d grid points; %d done, %d to train) on %s -> %s%n", grid.trials().size(),
                    grid.gridSize(), grid.trials().size() - pending, pending, grid.data(), grid.output());
        } else {
            System.out.printf("%d trials (%d grid points) on %s -> %s; %s is not prepared yet: trial ids (?), "
                            + "what the output already holds and whether the data set has these feature sets are "
                            + "known once it is%n", grid.trials().size(), grid.gridSize(), grid.data(), grid.output(),
                    grid.data());
        }
    }

    public static Report run(SparkSession spark, SweepGrid relative) throws Exception {
        Console log = new Console("sweep");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        SweepGrid grid = relative.qualified(conf); // tasks must not resolve paths in their executor's folder
        PreparedData data = PreparedData.open(grid.data(), conf);
        for (TrialSpec t : grid.trials()) {
            t.setsRead().forEach(data::width); // an unknown feature set fails now, not in every task
        }
        Path out = new Path(grid.output());
        claim(out, conf, data, grid);
        Set<String> done = SweepLayout.committed(out, conf);
        if (grid.retryFailed()) {
            forgetFailed(out, conf, done);
        }
        Map<String, SweepTask.Unit> todo = new LinkedHashMap<>();
        for (TrialSpec t : grid.trials()) {
            String id = t.id(data.fingerprint());
            if (!done.contains(id)) {
                todo.putIfAbsent(id, new SweepTask.GridUnit(t, id, data.fingerprint()));
            }
        }
        int total = grid.trials().size();
        int skipped = total - todo.size();
        log.info(String.format("%d trials in the grid: %d already done in %s, %d to train, %d thread(s) each", total,
                skipped, out, todo.size(), grid.threadsPerTrial()));
        SweepProgress progress = new SweepProgress(log, todo.size());
        long trialsStart = System.nanoTime();
        int[] ran = runAll(sc, grid, conf, todo, progress);
        int[] tally = {total, skipped, ran[0], ran[1]}; // planned, skipped, trained, failed
        if (!grid.fusion().isEmpty()) {
            // In rounds: a greedy selection's next step depends on the fusions of its last one.
            FusionPlan plan = new FusionPlan(grid, data.fingerprint(), out, conf, log);
            List<SweepTask.Unit> early = plan.early().stream().<SweepTask.Unit>map(t -> new SweepTask.GridUnit(t,
                    t.id(data.fingerprint()), data.fingerprint())).toList();
            if (!early.isEmpty()) {
                runPlanned(sc, grid, conf, out, "early fusion", early, progress, log, tally);
            }
            int round = 0;
            for (List<FusionUnit> fusions = plan.next(); !fusions.isEmpty(); fusions = plan.next()) {
                runPlanned(sc, grid, conf, out, "late fusion, round " + ++round, List.copyOf(fusions), progress, log,
                        tally);
            }
        }
        total = tally[0];
        skipped = tally[1];
        int trained = tally[2];
        int failed = tally[3];
        double trialSeconds = (System.nanoTime() - trialsStart) / 1e9;
        log.info(String.format("trials: %d ran in %.1f s of wall time", trained, trialSeconds));
        int abandoned = SweepLayout.removeAbandoned(out, conf); // every task has ended: none is still writing
        if (abandoned > 0) {
            log.info(abandoned + " temporary file(s) of task attempts that died removed");
        }
        String best = progress.best();
        String report = null;
        if (SweepLayout.committed(out, conf).isEmpty()) {
            log.info("no trial rows: no summary");
        } else {
            SweepSummary.write(spark, out, conf);
            log.info("summary views written to " + new Path(out, SweepLayout.SUMMARY));
            report = report(spark, out, log);
        }
        log.info(String.format("done: %d trained (%d failed), %d skipped, in %.0f s; %s", trained, failed, skipped,
                log.elapsedSeconds(), best));
        if (report != null) {
            log.info("report: " + report);
        }
        return new Report(total, skipped, trained, failed, trialSeconds, log.elapsedSeconds(), best, report);
    }

    /**
     * Writes the sweep's HTML report; its path, or null when it could not be written. The results
     * are committed by then: a report that fails is a warning that says how to write it again, not a
     * failed sweep.
     */
    private static String report(SparkSession spark, Path out, Console log) {
        try {
            return SweepReport.write(spark, out.toString()).toString();
        } catch (Exception e) {
            log.warn("report not written (" + e + "); write it with: spark-submit --class "
                    + ReportJob.class.getName() + " jobs/sweep.jar sweep=" + out);
            return null;
        }
    }

    /**
     * Runs the units of one planned step (early fusion, a late-fusion round) that are not committed
     * yet, and adds them to {@code tally}: {planned, skipped, trained, failed}.
     */
    private static void runPlanned(JavaSparkContext sc, SweepGrid grid, Configuration conf, Path out, String what,
                                   List<SweepTask.Unit> units, SweepProgress progress, Console log, int[] tally)
            throws Exception {
        Set<String> done = SweepLayout.committed(out, conf);
        Map<String, SweepTask.Unit> todo = new LinkedHashMap<>();
        for (SweepTask.Unit u : units) {
            if (!done.contains(u.id())) {
                todo.putIfAbsent(u.id(), u);
            }
        }
        log.info(String.format("%s: %d trials, %d to train", what, units.size(), todo.size()));
        progress.add(todo.size());
        int[] ran = runAll(sc, grid, conf, todo, progress);
        tally[0] += units.size();
        tally[1] += units.size() - todo.size();
        tally[2] += ran[0];
        tally[3] += ran[1];
    }

    /**
     * Runs trials as one Spark job each (submitted together; the scheduler fills free slots) and
     * reports each as it finishes. Returns {trained, failed}.
     */
    private static int[] runAll(JavaSparkContext sc, SweepGrid grid, Configuration conf,
                                Map<String, SweepTask.Unit> todo, SweepProgress progress) throws Exception {
        Map<String, JavaFutureAction<List<SweepTask.Result>>> running = new LinkedHashMap<>();
        for (Map.Entry<String, SweepTask.Unit> e : todo.entrySet()) {
            SweepTask task = new SweepTask(e.getValue(), grid.output(), grid.threadsPerTrial(), grid.saveModels(), conf);
            sc.setJobGroup("trial-" + e.getKey(), e.getKey() + " " + e.getValue().name(), true);
            running.put(e.getKey(), sc.parallelize(List.of(task), 1).map(SweepTask::run).collectAsync());
        }
        sc.clearJobGroup();
        int failed = 0;
        int trained = 0;
        while (!running.isEmpty()) {
            boolean any = false;
            for (Iterator<Map.Entry<String, JavaFutureAction<List<SweepTask.Result>>>> it = running.entrySet().iterator();
                 it.hasNext(); ) {
                Map.Entry<String, JavaFutureAction<List<SweepTask.Result>>> e = it.next();
                if (!e.getValue().isDone()) {
                    continue;
                }
                it.remove();
                any = true;
                TrialRow row;
                try {
                    row = e.getValue().get().get(0).row();
                } catch (ExecutionException x) {
                    // The task died on every attempt Spark allowed (not a failure inside the trial, which
                    // the task records itself): record it so a rerun does not loop on it.
                    row = todo.get(e.getKey()).describe();
                    TrialsTable.failed(row, new IllegalStateException("the task failed on every attempt: "
                            + JobFailure.userMessage(x.getCause())));
                    TrialsTable.write(SweepTask.rowFile(grid.output(), e.getKey()), conf, row);
                }
                failed += row.ok() ? 0 : 1;
                trained++;
                progress.finished(row);
            }
            if (!any) {
                Thread.sleep(200);
                progress.heartbeat();
            }
        }
        return new int[]{trained, failed};
    }

    /**
     * The output folder belongs to one prepared data set: a new folder records it in
     * {@code _museflow.json}; an existing one must name the same data fingerprint. A folder that is
     * neither empty nor a sweep's output is refused.
     */
    private static void claim(Path out, Configuration conf, PreparedData data, SweepGrid grid) throws IOException {
        FileSystem fs = out.getFileSystem(conf);
        Path manifest = new Path(out, OutputDir.MANIFEST);
        if (fs.exists(manifest)) {
            try (InputStream in = fs.open(manifest)) {
                com.fasterxml.jackson.databind.JsonNode m = AtomicFiles.JSON.readTree(in);
                if (!SweepLayout.KIND.equals(m.path("kind").asText())) {
                    throw new InputDataException(out + " is not a sweep's output (its " + OutputDir.MANIFEST
                            + " is another job's); refusing to write into it (choose another "
                            + SweepGrid.SECTION + ".output)");
                }
                String fp = m.path("data_fingerprint").asText();
                if (!fp.equals(data.fingerprint())) {
                    throw new InputDataException(out + " holds a sweep over other data (fingerprint " + fp + ", "
                            + grid.data() + " has " + data.fingerprint() + "); choose another "
                            + SweepGrid.SECTION + ".output");
                }
            }
            return;
        }
        if (fs.exists(out) && fs.listStatus(out).length > 0) {
            throw new InputDataException(out + " exists and is not a sweep's output; refusing to write into it "
                    + "(choose another " + SweepGrid.SECTION + ".output)");
        }
        fs.mkdirs(out);
        ObjectNode m = AtomicFiles.JSON.createObjectNode();
        m.put("kind", SweepLayout.KIND);
        m.put("data", grid.data());
        m.put("data_fingerprint", data.fingerprint());
        m.put("code_version", CodeVersion.get());
        m.put("grid", grid.rendered());
        // false when another driver claimed the folder at the same moment: checked on its next run
        AtomicFiles.commitOnce(manifest, conf, tmp -> AtomicFiles.writeJson(tmp, m, conf));
    }

    private static void forgetFailed(Path out, Configuration conf, Set<String> done) throws IOException {
        FileSystem fs = out.getFileSystem(conf);
        for (Iterator<String> it = done.iterator(); it.hasNext(); ) {
            String id = it.next();
            Path row = SweepTask.rowFile(out.toString(), id);
            if (TrialsTable.read(row, conf).status() == TrialStatus.FAILED) {
                fs.delete(row, false);
                it.remove();
            }
        }
    }


}
