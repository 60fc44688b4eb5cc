package io.museflow.sweep;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the task attempts that failed in a Spark session while it is open: the proof that an
 * injected crash happened (a retried task leaves no other trace when its first attempt had
 * already committed) or that a failure was not retried.
 */
final class FailedTaskAttempts extends SparkListener implements AutoCloseable {
    private final SparkSession spark;
    private final AtomicInteger failed = new AtomicInteger();

    FailedTaskAttempts(SparkSession spark) {
        this.spark = spark;
        spark.sparkContext().addSparkListener(this);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo().failed()) {
            failed.incrementAndGet();
        }
    }

    /** The failed attempts so far, once the listener bus has delivered every event posted before. */
    int count() {
        try {
            spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not drain in 60 s", e);
        }
        return failed.get();
    }

    @Override
    public void close() {
        spark.sparkContext().removeSparkListener(this);
    }
}
