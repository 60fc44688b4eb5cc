package io.museflow.sweep;

import io.museflow.job.Console;
import io.museflow.results.TrialRow;

/** Driver-side progress: done / total, failures, elapsed, ETA, best devel CCC so far. */
final class SweepProgress {
    private final Console log;
    private int total;
    private int done;
    private int failed;
    private double bestCcc = Double.NEGATIVE_INFINITY;
    private String bestName = "";
    private long lastLine = System.nanoTime();

    SweepProgress(Console log, int total) {
        this.log = log;
        this.total = total;
    }

    void add(int more) {
        total += more;
    }

    void finished(TrialRow row) {
        done++;
        String what;
        if (row.ok()) {
            double ccc = row.develCcc().getAsDouble();
            if (ccc > bestCcc) {
                bestCcc = ccc;
                bestName = row.trialId() + " " + row.name();
            }
            what = String.format("devel CCC %.4f", ccc);
        } else {
            failed++;
            what = "FAILED: " + row.error();
        }
        log.info(String.format("trial %s %s: %s", row.trialId(), row.name(), what));
        line();
    }

    void heartbeat() {
        if (System.nanoTime() - lastLine > 60e9) {
            line();
        }
    }

    private void line() {
        lastLine = System.nanoTime();
        double elapsed = log.elapsedSeconds();
        String eta = done == 0 ? "?" : String.format("%.0f s", elapsed / done * (total - done));
        log.info(String.format("%d/%d trials done, %d failed, elapsed %.0f s, ETA %s, %s", done, total, failed,
                elapsed, eta, best()));
    }

    String best() {
        return bestName.isEmpty() ? "no successful trial yet"
                : String.format("best devel CCC %.4f (%s)", bestCcc, bestName);
    }
}
