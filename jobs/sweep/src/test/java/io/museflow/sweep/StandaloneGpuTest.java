package io.museflow.sweep;

import io.museflow.prepare.spark.PrepareJob;
import io.museflow.prepare.spark.SparkTestSession;
import io.museflow.prepare.spark.TestPackages;
import io.museflow.config.PrepareConfig;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPU address hand-out on a real local standalone cluster (a Master and a Worker process, an
 * executor JVM they launch), without GPUs: the worker's discovery script (submit/discover-gpus)
 * reports two fake addresses, each task asks for one GPU, and trials running at the same time must
 * have been handed different addresses by Spark's resource scheduling.
 */
class StandaloneGpuTest {
    private static final List<String> FAKE = List.of("7", "9");

    @Test
    void concurrentTrialsGetDistinctGpuAddresses(@TempDir Path tmp) throws Exception {
        Path pkg = TestPackages.generate(tmp.resolve("pkg"), "muse2020", "minutes.min=0.8", "minutes.max=1");
        Path prepared = tmp.resolve("prepared");
        PrepareJob.run(SparkTestSession.get(), PrepareConfig.load(List.of("input=" + pkg, "output=" + prepared,
                "window.size=60", "window.hop=30")));

        Classpath cp = Classpath.ofThisJvm();
        Path home = tmp.resolve("spark-home"); // the layout a worker launches executors from
        Files.createDirectories(home.resolve("jars"));
        Files.createFile(home.resolve("RELEASE"));
        int i = 0;
        for (Path jar : cp.jars) {
            Files.createSymbolicLink(home.resolve("jars").resolve((i++) + "-" + jar.getFileName()), jar);
        }
        String opens = String.join(" ", Files.readAllLines(Path.of("../../submit/java17-opens")).stream()
                .filter(l -> l.startsWith("--")).toList());
        int port = freePort();
        String master = "spark://127.0.0.1:" + port;
        List<Process> processes = new ArrayList<>();
        try {
            processes.add(start(tmp, "master", cp, opens, home, Map.of(), "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort())));
            waitForPort(port);
            processes.add(start(tmp, "worker", cp, opens, home, Map.of("MUSEFLOW_GPU_ADDRESSES", String.join(" ", FAKE)),
                    "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2", "--memory", "3g",
                    "--webui-port", String.valueOf(freePort()), "--work-dir", tmp.resolve("work").toString(), master));
            SparkSession spark = SparkTestSession.get(master, Map.of(
                    "spark.executor.cores", "2", "spark.cores.max", "2", "spark.executor.memory", "2g",
                    "spark.executor.resource.gpu.amount", "2", "spark.task.resource.gpu.amount", "1",
                    "spark.executor.extraClassPath", String.join(File.pathSeparator, cp.dirs),
                    "spark.executor.extraJavaOptions", opens));
            SweepGrid grid = SweepGrid.load(List.of("data=" + prepared, "output=" + tmp.resolve("sweep"),
                    "model=[stacked]", "layers=[1]", "hidden=[4, 8]", "seeds=[1, 2]", "max-epochs=3",
                    "batch-size=[8]"));
            SweepJob.Report r = SweepJob.run(spark, grid);
            assertEquals(4, r.trained());
            assertEquals(0, r.failed());
            List<Row> rows = spark.read().parquet(tmp.resolve("sweep/trials").toString()).collectAsList();
            Set<String> executors = new LinkedHashSet<>();
            for (Row row : rows) {
                assertTrue(FAKE.contains(row.getString(row.fieldIndex("gpu"))), "an address from the discovery script: "
                        + row.getString(row.fieldIndex("gpu")));
                executors.add(row.getString(row.fieldIndex("executor")));
            }
            assertTrue(!executors.contains("driver"), "trials ran on the cluster's executor: " + executors);
            int overlapping = 0;
            for (int a = 0; a < rows.size(); a++) {
                for (int b = a + 1; b < rows.size(); b++) {
                    if (overlap(rows.get(a), rows.get(b))) {
                        overlapping++;
                        assertNotEquals(rows.get(a).getString(rows.get(a).fieldIndex("gpu")),
                                rows.get(b).getString(rows.get(b).fieldIndex("gpu")), "concurrent trials share a GPU");
                    }
                }
            }
            assertTrue(overlapping > 0, "two slots: some trials ran at the same time");
        } finally {
            SparkTestSession.get(); // back to local mode for the other tests
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                p.waitFor();
            }
        }
    }

    private static boolean overlap(Row a, Row b) {
        long endA = a.getLong(a.fieldIndex("finished_at_ms"));
        long endB = b.getLong(b.fieldIndex("finished_at_ms"));
        long startA = endA - (long) (a.getDouble(a.fieldIndex("seconds")) * 1000);
        long startB = endB - (long) (b.getDouble(b.fieldIndex("seconds")) * 1000);
        return startA < endB && startB < endA;
    }

    private static Process start(Path tmp, String name, Classpath cp, String opens, Path home, Map<String, String> env,
                                 String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        cmd.addAll(List.of(opens.split(" ")));
        cmd.add("-Dspark.worker.resource.gpu.amount=2");
        cmd.add("-Dspark.worker.resource.gpu.discoveryScript=" + Path.of("../../submit/discover-gpus").toAbsolutePath()
                .normalize());
        cmd.addAll(List.of("-cp", cp.all(), main));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void waitForPort(int port) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the master did not start on port " + port);
    }

    /** This JVM's class path as jars and class folders (expanding Surefire's manifest-only jar). */
    private record Classpath(List<Path> jars, List<String> dirs) {
        static Classpath ofThisJvm() throws IOException {
            List<Path> jars = new ArrayList<>();
            List<String> dirs = new ArrayList<>();
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                add(Path.of(e).toAbsolutePath(), jars, dirs);
            }
            return new Classpath(jars, dirs);
        }

        private static void add(Path p, List<Path> jars, List<String> dirs) throws IOException {
            if (Files.isDirectory(p)) {
                dirs.add(p.toString());
                return;
            }
            if (!Files.isRegularFile(p)) {
                return;
            }
            try (JarFile jar = new JarFile(p.toFile())) {
                String manifestPath = jar.getManifest() == null ? null
                        : jar.getManifest().getMainAttributes().getValue("Class-Path");
                if (p.getFileName().toString().startsWith("surefirebooter") && manifestPath != null) {
                    for (String url : manifestPath.trim().split("\\s+")) {
                        add(Path.of(java.net.URI.create(url)), jars, dirs);
                    }
                    return;
                }
            }
            jars.add(p);
        }

        String all() {
            List<String> out = new ArrayList<>(dirs);
            jars.forEach(j -> out.add(j.toString()));
            return String.join(File.pathSeparator, out);
        }
    }
}
