package io.museflow.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.museflow.config.PrepareConfig;
import io.museflow.prepare.spark.PrepareJob;
import io.museflow.prepare.spark.SparkTestSession;
import io.museflow.prepare.spark.TestPackages;
import io.museflow.sweep.SweepGrid;
import io.museflow.sweep.SweepJob;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Zeppelin note and the HTML report on a small real sweep (two feature sets, both targets, two
 * hidden sizes, two seeds, early and late fusion) in local Spark; the report opened in headless
 * Chromium (Debian's {@code chromium}), which leaves {@code target/report-screenshot.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResultReportTest {
    static final Path NOTE = Path.of("../../notebooks", ZeppelinNote.FILE);
    Path sweep;
    SweepJob.Report report;

    @BeforeAll
    void sweep(@TempDir Path tmp) throws Exception {
        Path pkg = TestPackages.generate(tmp.resolve("pkg"), "muse2020", "minutes.min=0.8", "minutes.max=1");
        Path prepared = tmp.resolve("prepared");
        SparkSession spark = SparkTestSession.get();
        PrepareJob.run(spark, PrepareConfig.load(List.of("input=" + pkg, "output=" + prepared, "window.size=60",
                "window.hop=30")));
        sweep = tmp.resolve("sweep");
        report = SweepJob.run(spark, SweepGrid.load(List.of("data=" + prepared, "output=" + sweep,
                "model=[stacked]", "layers=[1]", "cell=[gru]", "max-epochs=3", "batch-size=[8]",
                "learning-rate=[0.01]", "targets=[arousal, valence]", "feature-sets=[egemaps, vggface]",
                "hidden=[4, 8]", "seeds=[1, 2]", "fusion.max-epochs=2", "fusion.batch-size=8",
                "fusion.early=[{top = 2}]", "fusion.inputs=[{sets = [egemaps, vggface]}]")));
        assertEquals(0, report.failed());
        ResultViews.register(spark, sweep.toString());
    }

    /** The committed note is what ZeppelinNote writes (-Dmuseflow.regenerate=true rewrites it). */
    @Test
    void theCommittedNoteIsTheGeneratedOne() throws Exception {
        String generated = ZeppelinNote.json();
        if (Boolean.getBoolean("museflow.regenerate")) {
            Files.writeString(NOTE, generated, StandardCharsets.UTF_8);
        }
        assertEquals(generated, Files.readString(NOTE), "notebooks/" + ZeppelinNote.FILE + " is stale: rerun this "
                + "test with -Dmuseflow.regenerate=true");
        JsonNode note = new ObjectMapper().readTree(NOTE.toFile());
        assertEquals(ZeppelinNote.ID, note.path("id").asText());
        assertTrue(NOTE.getFileName().toString().endsWith("_" + note.path("id").asText() + ".zpln"),
                "Zeppelin's <name>_<id>.zpln");
        assertTrue(ZeppelinNote.ID.matches("[A-Z0-9]{9}"));
    }

    /** Every note in notebooks/ loads in Zeppelin 0.10 as a file: named <name>_<id>.zpln, each paragraph naming its interpreter. */
    @Test
    void everyNoteIsAZeppelinFileWithItsInterpreterNamed() throws Exception {
        List<Path> notes;
        try (var files = Files.list(NOTE.getParent())) {
            notes = files.filter(f -> f.toString().endsWith(".zpln")).sorted().toList();
        }
        assertEquals(2, notes.size(), String.valueOf(notes));
        for (Path f : notes) {
            JsonNode note = new ObjectMapper().readTree(f.toFile());
            String id = note.path("id").asText();
            assertTrue(id.matches("[A-Z0-9]{9}"), f + ": id " + id);
            assertEquals(note.path("name").asText() + "_" + id + ".zpln", f.getFileName().toString());
            int forms = 0;
            for (JsonNode p : note.path("paragraphs")) {
                String text = p.path("text").asText();
                assertTrue(text.matches("(?s)^%(md|spark|spark\\.sql)\\n.*"), f + " " + p.path("id"));
                forms += text.split("z\\.noteTextbox\\(", -1).length - 1;
                JsonNode graph = p.path("config").path("results").path("0").path("graph");
                if (!graph.isMissingNode()) {
                    assertFalse(graph.path("keys").isEmpty() || graph.path("values").isEmpty(), f + " " + p.path("id"));
                }
            }
            assertEquals(1, forms, f + ": the data's folder is asked for once, as a note form");
        }
    }

    /**
     * Every SQL paragraph of the note runs on the sweep with its forms' defaults, returns fewer than
     * Zeppelin's default 1,000 rows, and every chart paragraph returns the columns its chart names
     * at the positions it names them; every paragraph names its interpreter, and the sweep folder is
     * named in one place.
     */
    @Test
    void everyParagraphRunsAndEveryChartGetsTheColumnsItNames() throws Exception {
        SparkSession spark = SparkTestSession.get();
        JsonNode note = new ObjectMapper().readTree(NOTE.toFile());
        int charts = 0;
        int queries = 0;
        int sweepNamed = 0;
        for (JsonNode p : note.path("paragraphs")) {
            String text = p.path("text").asText();
            assertTrue(text.matches("(?s)^%(md|spark|spark\\.sql)\\n.*"), "an interpreter named: " + p.path("id"));
            sweepNamed += text.split(ZeppelinNote.SWEEP_DEFAULT, -1).length - 1;
            if (!text.startsWith("%spark.sql\n")) {
                continue;
            }
            String sql = ResultChart.fill(text.substring("%spark.sql\n".length()), Map.of());
            Dataset<Row> result = spark.sql(sql);
            long rows = result.count();
            assertTrue(rows > 0 || p.path("id").asText().equals("paragraph_failed"), p.path("id") + " returns rows");
            assertTrue(rows < 1000, p.path("id") + ": " + rows + " rows");
            queries++;
            JsonNode graph = p.path("config").path("results").path("0").path("graph");
            if (graph.isMissingNode()) {
                continue;
            }
            charts++;
            String[] columns = result.columns();
            List<JsonNode> named = new ArrayList<>();
            for (String role : List.of("keys", "groups", "values")) {
                graph.path(role).forEach(named::add);
            }
            assertFalse(graph.path("values").isEmpty(), p.path("id") + " draws values");
            for (JsonNode c : named) {
                assertEquals(c.path("name").asText(), columns[c.path("index").asInt()], p.path("id") + " column "
                        + c.path("index").asInt() + " of " + String.join(", ", columns));
            }
        }
        assertEquals(ResultCharts.ALL.size(), charts);
        assertEquals(ResultCharts.ALL.size() + ZeppelinNote.TABLES.size(), queries);
        assertEquals(1, sweepNamed, "the sweep folder is named once (the note form's default)");
    }

    /** The per-video chart's CCCs average to the per-video CCC the trial row recorded. */
    @Test
    void perVideoCccsAgreeWithTheTrialRows() {
        SparkSession spark = SparkTestSession.get();
        for (String target : List.of("arousal", "valence")) {
            Row best = spark.sql("SELECT trial_id, devel_ccc_per_video_" + target + " FROM trials WHERE status = 'ok' "
                    + "AND devel_ccc_" + target + " IS NOT NULL ORDER BY devel_ccc_" + target + " DESC, trial_id LIMIT 1")
                    .first();
            Row chart = spark.sql(ResultCharts.PER_VIDEO.sql(Map.of())).where("target = '" + target + "'")
                    .selectExpr("avg(ccc)", "count(*)").first();
            assertTrue(chart.getLong(1) >= 1, "devel videos drawn");
            assertEquals(best.getDouble(1), chart.getDouble(0), 2e-4, target);
        }
    }

    @Test
    void theSweepWritesItsReportAndReturnsItsPath() {
        assertNotNull(report.report());
        assertTrue(new File(java.net.URI.create(report.report())).isFile(), report.report());
    }

    /**
     * The report opens offline in headless Chromium with no console error, and every chart div holds
     * an SVG with drawn paths; the run leaves target/report-screenshot.png. A probe page with a
     * console error first shows that the error check can fail.
     */
    @Test
    void theReportRendersInHeadlessChromium(@TempDir Path tmp) throws Exception {
        String chromium = chromium();
        Path probe = tmp.resolve("probe.html");
        Files.writeString(probe, "<!DOCTYPE html><html><body><script>console.error('probe failure')</script></body></html>");
        assertTrue(consoleErrors(run(chromium, tmp, "--dump-dom", probe.toUri().toString()).stderr()).stream()
                .anyMatch(e -> e.contains("probe failure")), "the console check sees an error");

        Path html = Path.of(java.net.URI.create(SweepReport.write(SparkTestSession.get(), sweep.toString()).toString()));
        String page = Files.readString(html);
        assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(page).find(), "nothing loaded from a network");
        Output dom = run(chromium, tmp, "--dump-dom", html.toUri().toString());
        assertEquals(List.of(), consoleErrors(dom.stderr()));
        Matcher div = Pattern.compile("<div class=\"plot\" data-chart=\"([^\"]+)\"[^>]*>(.*?)</div>\\s*<script",
                Pattern.DOTALL).matcher(dom.stdout());
        Map<String, Integer> paths = new HashMap<>();
        while (div.find()) {
            int n = div.group(2).split("<path", -1).length - 1;
            paths.put(div.group(1), n);
        }
        List<String> expected = new ArrayList<>();
        Matcher declared = Pattern.compile("data-chart=\"([^\"]+)\"").matcher(page);
        while (declared.find()) {
            expected.add(declared.group(1));
        }
        assertTrue(expected.size() >= ResultCharts.ALL.size(), "charts: " + expected);
        for (String chart : expected) {
            assertTrue(paths.getOrDefault(chart, 0) >= 3, chart + " drew " + paths.get(chart) + " SVG paths");
        }
        assertTrue(expected.contains("hyperparameter-hidden") && expected.contains("trace-valence")
                && expected.contains("seed-spread"), String.valueOf(expected));

        Path png = Path.of("target", "report-screenshot.png").toAbsolutePath();
        Files.deleteIfExists(png);
        run(chromium, tmp, "--screenshot=" + png, "--window-size=1280,5200", "--hide-scrollbars", html.toUri().toString());
        assertTrue(Files.size(png) > 20_000, "a screenshot of the page: " + png);
    }

    record Output(String stdout, String stderr) {
    }

    private static String chromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        throw new IllegalStateException("no Chromium: the report test needs Debian's chromium package "
                + "(apt-get install chromium)");
    }

    private static Output run(String chromium, Path tmp, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + tmp.resolve("profile"),
                "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000"));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
        } finally {
            p.destroyForcibly();
        }
        return new Output(Files.readString(out), Files.readString(err));
    }

    /**
     * Every console message of the page, from Chromium's log: headless Chromium logs them all at one
     * level, errors, warnings and logs alike, so the check is stricter than "no errors" (the report
     * writes nothing to the console; ECharts warns there about a bad option).
     */
    private static List<String> consoleErrors(String log) {
        List<String> messages = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (line.contains(":CONSOLE")) {
                messages.add(line);
            }
        }
        return messages;
    }
}
