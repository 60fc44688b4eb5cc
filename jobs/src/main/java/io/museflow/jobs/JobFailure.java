package io.museflow.jobs;

import io.museflow.config.ConfigError;
import io.museflow.data.InputDataException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what a job threw into the one line a researcher needs. Exceptions raised in executors
 * reach the driver wrapped in a SparkException whose message carries the original class and text.
 */
final class JobFailure {
    static final int BAD_INPUT = 2;
    static final int FAILED = 1;

    private static final Pattern REMOTE = Pattern.compile(
            "(io\\.museflow\\.data\\.InputDataException|io\\.museflow\\.config\\.ConfigError): (.*)");

    private JobFailure() {
    }

    /** The user-facing message if this is bad input or configuration, else null. */
    static String userMessage(Throwable t) {
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

    /** Prints the failure and returns the exit code. */
    static int report(String job, Throwable t) {
        String msg = userMessage(t);
        if (msg != null) {
            System.err.println(job + ": error: " + msg);
            return BAD_INPUT;
        }
        System.err.println(job + ": failed: " + t);
        t.printStackTrace();
        return FAILED;
    }
}
