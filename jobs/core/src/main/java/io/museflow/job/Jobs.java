package io.museflow.job;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.util.Arrays;
import java.util.List;

/**
 * What every job entry point shares: --help, a Spark session, one-line errors. A driver returns
 * normally when the job is done and throws when it is not ({@link JobFailure}): it never calls
 * {@code System.exit}, which in YARN cluster mode reports a finished job as failed (and may get it
 * re-run), and which would end a JVM that called the job as a library.
 */
public final class Jobs {
    private Jobs() {
    }

    /** A job's work once its arguments are parsed: configuration errors surface before Spark starts. */
    public interface Body {
        void run(SparkSession spark) throws Exception;
    }

    public interface Parser {
        Body parse(List<String> args) throws Exception;
    }

    /** Parses, runs the job in the session spark-submit configured, and stops it; a failure is thrown. */
    public static void main(String job, String usage, String[] args, Parser parser) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(usage);
            return;
        }
        Body body = JobFailure.guard(job, () -> parser.parse(Arrays.asList(args)));
        SparkSession spark = session("museflow " + job);
        try {
            JobFailure.guard(job, () -> {
                body.run(spark);
                return null;
            });
        } finally {
            spark.stop();
        }
    }

    /** The session spark-submit configured, with a console progress bar unless the user chose otherwise. */
    public static SparkSession session(String appName) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (!new SparkConf().contains("spark.ui.showConsoleProgress")) {
            b = b.config("spark.ui.showConsoleProgress", "true");
        }
        return b.getOrCreate();
    }
}
