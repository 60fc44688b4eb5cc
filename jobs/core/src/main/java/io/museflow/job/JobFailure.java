package io.museflow.job;

import io.museflow.config.ConfigError;
import io.museflow.data.InputDataException;
import org.apache.spark.SparkUserAppException;

import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what a job threw into the one line a researcher needs, and into the exception its driver
 * ends with. Exceptions raised in executors reach the driver wrapped in a SparkException whose
 * message carries the original class and text.
 *
 * <p>Exit statuses under spark-submit (and submit/spark-submit, which runs the same launcher):
 * bad input or configuration ends the driver with Spark's {@code SparkUserAppException(2)}, which
 * spark-submit turns into exit status 2 without a stack trace (YARN reports the application failed
 * with that code); anything else is rethrown as a {@link Failed} with its stack trace, exit status 1.
 */
public final class JobFailure {
    public static final int BAD_INPUT = 2;

    private static final Pattern REMOTE = Pattern.compile(
            "(io\\.museflow\\.data\\.InputDataException|io\\.museflow\\.config\\.ConfigError): (.*)");

    private JobFailure() {
    }

    /** A job that failed for a reason other than its input: the message is the one line printed. */
    public static final class Failed extends RuntimeException {
        Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The user-facing message if this is bad input or configuration, else null. */
    public static String userMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InputDataException || c instanceof ConfigError) {
                return c.getMessage();
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                Matcher m = REMOTE.matcher(c.getMessage());
                if (m.find()) {
                    return m.group(2).trim();
                }
            }
        }
        return null;
    }

    /** Runs {@code work}; on failure prints the one line and throws what the driver should end with. */
    public static <T> T guard(String job, Callable<T> work) throws Exception {
        try {
            return work.call();
        } catch (Throwable t) {
            throw failure(job, t);
        }
    }

    /** Prints the failure's line on stderr and returns the exception to end the driver with. */
    public static Exception failure(String job, Throwable t) {
        String msg = userMessage(t);
        if (msg != null) {
            System.err.println(job + ": error: " + msg);
            SparkUserAppException exit = new SparkUserAppException(BAD_INPUT);
            exit.addSuppressed(t); // its cause is fixed by Spark; the original stays reachable
            return exit;
        }
        String line = job + ": failed: " + t;
        System.err.println(line);
        return new Failed(line, t);
    }
}
