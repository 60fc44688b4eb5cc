package io.museflow.prepare.spark;

import org.apache.spark.sql.SparkSession;

/** One local Spark session for every test class in the JVM (start-up costs seconds). */
public final class SparkTestSession {
    private static SparkSession spark;
    private static boolean hooked;

    private SparkTestSession() {
    }

    public static synchronized SparkSession get() {
        return get("local[2]");
    }

    /**
     * The shared session on {@code master}; a session on another master is stopped first (one
     * SparkContext per JVM). {@code local[N,F]} lets each task fail F - 1 times, like a cluster.
     */
    public static synchronized SparkSession get(String master) {
        return get(master, java.util.Map.of());
    }

    /** As {@link #get(String)}, with extra settings for a new session (e.g. executor resources of a cluster). */
    public static synchronized SparkSession get(String master, java.util.Map<String, String> settings) {
        if (spark != null && !spark.sparkContext().master().equals(master)) {
            spark.stop();
            spark = null;
        }
        if (spark == null) {
            SparkSession.Builder b = SparkSession.builder();
            settings.forEach(b::config);
            spark = b
                    .master(master)
                    .appName("museflow-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
            spark.sparkContext().setLogLevel("ERROR");
            if (!hooked) {
                hooked = true;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    if (spark != null) {
                        spark.stop();
                    }
                }));
            }
        }
        return spark;
    }
}
