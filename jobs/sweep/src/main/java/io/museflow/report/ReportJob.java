package io.museflow.report;

import io.museflow.config.Settings;
import io.museflow.job.Console;
import io.museflow.job.Jobs;


/**
 * {@code spark-submit --class io.museflow.report.ReportJob jobs/sweep.jar sweep=DIR}: (re)writes a
 * sweep folder's {@code report.html} ({@link SweepReport}) and prints its path. A sweep writes its
 * report when it ends; this is for a folder whose report is older than its rows, or missing.
 */
public final class ReportJob {
    public static final String SECTION = "museflow.report";

    private ReportJob() {
    }

    public static void main(String[] args) throws Exception {
        Jobs.main("report", """
                usage: spark-submit --class io.museflow.report.ReportJob jobs/sweep.jar sweep=DIR
                  Keys are those of museflow.report in reference.conf.""", args, a -> {
            String sweep = Settings.load(SECTION, a).string("sweep");
            return spark -> {
                String path = SweepReport.write(spark, sweep).toString();
                new Console("report").info("report: " + path);
                System.out.println(path);
            };
        });
    }
}
