package io.museflow.job;

import io.museflow.config.ConfigError;
import io.museflow.data.InputDataException;
import org.apache.spark.SparkException;
import org.apache.spark.SparkUserAppException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A driver ends by returning or by throwing, never by exiting the JVM (this test's JVM would end
 * with it): bad input is one line and Spark's exit-2 exception, anything else one line and an
 * exception that keeps its cause.
 */
class JobsTest {
    private String stderrOf(Runnable r) {
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        try {
            r.run();
        } finally {
            System.setErr(err);
        }
        return buf.toString();
    }

    @Test
    void helpReturnsWithoutParsingOrStartingSpark() throws Exception {
        AtomicBoolean parsed = new AtomicBoolean();
        Jobs.main("demo", "usage: demo", new String[]{"--help"}, a -> {
            parsed.set(true);
            return spark -> { };
        });
        assertFalse(parsed.get());
    }

    @Test
    void badConfigurationIsOneLineAndExitStatusTwo() {
        Exception[] thrown = new Exception[1];
        String err = stderrOf(() -> thrown[0] = assertThrows(Exception.class, () -> Jobs.main("demo", "usage",
                new String[]{"x=1"}, a -> {
                    throw new ConfigError("museflow.demo.x: unknown key");
                })));
        SparkUserAppException exit = assertInstanceOf(SparkUserAppException.class, thrown[0]);
        assertEquals(JobFailure.BAD_INPUT, exit.exitCode());
        assertEquals("demo: error: museflow.demo.x: unknown key", err.strip());
    }

    @Test
    void badInputRaisedInAnExecutorIsRecognisedInTheDriver() throws Exception {
        // What the driver sees when a task threw: a SparkException whose message names the class.
        SparkException remote = new SparkException("Job aborted due to stage failure: Task 0 failed: "
                + "io.museflow.data.InputDataException: pkg/labels/7.csv:3: timestamp 500 repeats\n\tat ...");
        String err = stderrOf(() -> assertInstanceOf(SparkUserAppException.class,
                JobFailure.failure("prepare", remote)));
        assertEquals("prepare: error: pkg/labels/7.csv:3: timestamp 500 repeats", err.strip());
        assertEquals("x.csv: bad", JobFailure.userMessage(new RuntimeException(new InputDataException("x.csv: bad"))));
    }

    @Test
    void otherFailuresKeepTheirCauseAndAreNotExitStatusTwo() {
        IllegalStateException bug = new IllegalStateException("broken");
        Exception[] thrown = new Exception[1];
        String err = stderrOf(() -> thrown[0] = assertThrows(Exception.class,
                () -> JobFailure.guard("sweep", () -> {
                    throw bug;
                })));
        JobFailure.Failed failed = assertInstanceOf(JobFailure.Failed.class, thrown[0]);
        assertSame(bug, failed.getCause());
        assertTrue(err.startsWith("sweep: failed: java.lang.IllegalStateException: broken"), err);
    }
}
