package io.museflow.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.util.Arrays;
import java.util.List;

/** What every job entry point shares: --help, a Spark session, one-line errors, the exit code. */
final class Jobs {
    private Jobs() {
    }

    /** A job's work once its arguments are parsed: configuration errors surface before Spark starts. */
    interface Body {
        void run(SparkSession spark) throws Exception;
    }

    interface Parser {
        Body parse(List<String> args);
    }

    /** Runs a job's main and exits: 0 done, 2 bad input or configuration, 1 anything else. */
    static void main(String job, String usage, String[] args, Parser parser) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(usage);
            return;
        }
        int code;
        try {
            Body body = parser.parse(Arrays.asList(args));
            SparkSession spark = session("museflow " + job);
            try {
                body.run(spark);
                code = 0;
            } finally {
                spark.stop();
            }
        } catch (Throwable t) {
            code = JobFailure.report(job, t);
        }
        System.exit(code);
    }

    /** The session spark-submit configured, with a console progress bar unless the user chose otherwise. */
    static SparkSession session(String appName) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (!new SparkConf().contains("spark.ui.showConsoleProgress")) {
            b = b.config("spark.ui.showConsoleProgress", "true");
        }
        return b.getOrCreate();
    }
}
