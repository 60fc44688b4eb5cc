package io.museflow.job;

import java.time.Duration;
import java.time.Instant;

/** Progress lines on stderr, prefixed with the job name and the elapsed time. */
public final class Console {
    private final String job;
    private final Instant start = Instant.now();

    public Console(String job) {
        this.job = job;
    }

    public void info(String message) {
        Duration d = Duration.between(start, Instant.now());
        System.err.printf("[%s %3d:%02d] %s%n", job, d.toMinutes(), d.toSecondsPart(), message);
    }

    public void warn(String message) {
        info("WARNING: " + message);
    }

    public double elapsedSeconds() {
        return Duration.between(start, Instant.now()).toMillis() / 1000.0;
    }
}
