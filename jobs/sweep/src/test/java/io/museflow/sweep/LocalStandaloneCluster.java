package io.museflow.sweep;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster of real processes for tests: a Master and N Workers (loopback only),
 * each a JVM started from this test JVM's class path, with a {@code SPARK_HOME} of links to those
 * jars for the executors the workers launch. Every process it starts (drivers too) is stopped by
 * its process id, with its descendants (a worker's executors), when it is closed, also when a test
 * fails; waits carry timeouts, so a cluster that does not come up fails the test instead of hanging.
 */
final class LocalStandaloneCluster implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(90);

    private final Path dir;
    private final Classpath cp;
    private final Path home;
    private final String opens;
    private final int port;
    private final int webUiPort;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();

    private LocalStandaloneCluster(Path dir) throws IOException {
        this.dir = dir;
        this.cp = Classpath.ofThisJvm();
        this.home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        Files.createFile(home.resolve("RELEASE"));
        int i = 0;
        for (Path jar : cp.jars) {
            Files.createSymbolicLink(home.resolve("jars").resolve((i++) + "-" + jar.getFileName()), jar);
        }
        this.opens = String.join(" ", Files.readAllLines(Path.of("../../submit/java17-opens")).stream()
                .filter(l -> l.startsWith("--")).toList());
        this.port = freePort();
        this.webUiPort = freePort();
    }

    /**
     * Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} each, and
     * returns once all of them have registered with the master. {@code workerFlags} are JVM flags of
     * the workers (their {@code spark.worker.*} settings), {@code workerEnv} their environment.
     */
    static LocalStandaloneCluster start(Path dir, int workers, int cores, String memory, List<String> workerFlags,
                                        Map<String, String> workerEnv) throws Exception {
        LocalStandaloneCluster c = new LocalStandaloneCluster(dir);
        try {
            c.processes.add(c.jvm("master", List.of(), Map.of(), "org.apache.spark.deploy.master.Master", "--host",
                    "127.0.0.1", "--port", String.valueOf(c.port), "--webui-port", String.valueOf(c.webUiPort)));
            for (int w = 0; w < workers; w++) {
                Process p = c.jvm("worker-" + (w + 1), workerFlags, workerEnv, "org.apache.spark.deploy.worker.Worker",
                        "--host", "127.0.0.1", "--cores", String.valueOf(cores), "--memory", memory, "--webui-port",
                        String.valueOf(freePort()), "--work-dir", dir.resolve("work-" + (w + 1)).toString(),
                        c.masterUrl());
                c.processes.add(p);
                c.workers.add(p);
            }
            c.awaitAliveWorkers(workers);
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    /** What a driver on this cluster needs so that executors find the test classes and open the JDK's modules. */
    Map<String, String> driverSettings(int executorCores, String executorMemory) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("spark.executor.cores", String.valueOf(executorCores));
        s.put("spark.executor.memory", executorMemory);
        s.put("spark.executor.extraClassPath", String.join(File.pathSeparator, cp.dirs));
        s.put("spark.executor.extraJavaOptions", opens);
        return s;
    }

    /**
     * Starts a driver JVM (a job's main class, as spark-submit's client mode would run it) with the
     * given Spark settings as system properties; output goes to {@code <name>.log} in the cluster's folder.
     */
    Process startDriver(String name, Map<String, String> sparkSettings, String main, List<String> args)
            throws IOException {
        List<String> flags = new ArrayList<>(List.of("-Xmx1g", "-Dspark.master=" + masterUrl(), "-Dspark.driver.host=127.0.0.1",
                "-Dspark.driver.bindAddress=127.0.0.1", "-Dspark.ui.enabled=false"));
        sparkSettings.forEach((k, v) -> flags.add("-D" + k + "=" + v));
        Process p = jvm(name, flags, Map.of(), main, args.toArray(new String[0]));
        processes.add(p);
        return p;
    }

    Path log(String name) {
        return dir.resolve(name + ".log");
    }

    /** Kills worker {@code index} (0-based) by its process id, and the executors it launched, as a lost machine. */
    void killWorker(int index) throws InterruptedException {
        kill(workers.get(index));
    }

    /** Executor JVMs the workers are running now (each a child process of its worker). */
    long executors() {
        return workers.stream().filter(Process::isAlive).mapToLong(w -> w.descendants().count()).sum();
    }

    /** Waits until no worker runs an executor (after a driver died, the master has the workers kill its executors). */
    void awaitNoExecutors(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (executors() > 0) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(executors() + " executor(s) still running after " + timeout);
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = processes.size() - 1; i >= 0; i--) {
            kill(processes.get(i));
        }
    }

    /** Kills a process and its descendants by id: SIGKILL, then waits (at most 30 s) until they are gone. */
    static void kill(Process p) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        for (ProcessHandle h : all) {
            h.destroyForcibly();
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("process " + h.pid() + " did not exit after SIGKILL", e);
            }
        }
    }

    private void awaitAliveWorkers(int n) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webUiPort + "/json/"))
                .timeout(Duration.ofSeconds(5)).build();
        Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
        long end = System.nanoTime() + START.toNanos();
        int seen = 0;
        while (System.nanoTime() < end) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a cluster process exited with " + p.exitValue() + "; logs in " + dir);
                }
            }
            try {
                Matcher m = alive.matcher(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
                seen = m.find() ? Integer.parseInt(m.group(1)) : 0;
                if (seen >= n) {
                    return;
                }
            } catch (IOException notUpYet) {
                // the master's web UI is not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(seen + " of " + n + " workers registered within " + START + "; logs in " + dir);
    }

    private Process jvm(String name, List<String> flags, Map<String, String> env, String main, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        cmd.addAll(List.of(opens.split(" ")));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", cp.all(), main));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(name).toFile());
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
                        add(Path.of(URI.create(url)), jars, dirs);
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
