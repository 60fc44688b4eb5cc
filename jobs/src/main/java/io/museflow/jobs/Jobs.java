package io.museflow.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** What every job entry point shares. */
final class Jobs {
    private Jobs() {
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
