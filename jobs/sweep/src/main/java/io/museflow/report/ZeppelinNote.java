package io.museflow.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the sweep-results note for Apache Zeppelin 0.10 from {@link ResultCharts}: a file named
 * {@code <name>_<id>.zpln}, as Zeppelin stores notes (it loads one dropped into its notebook folder,
 * and "Import note" takes it too). The first paragraph asks for the sweep folder once (a note form)
 * and registers {@link ResultViews}; each chart is a {@code %spark.sql} paragraph with its chart
 * configured ({@code config.results}), each table a {@code %spark.sql} paragraph shown as a table.
 * Every paragraph names its interpreter, so the note runs whatever the server's default is.
 *
 * <p>{@code notebooks/} holds the generated file; {@code ResultReportTest} fails when it differs from
 * what this class writes, and rewrites it when run with {@code -Dmuseflow.regenerate=true}.
 */
public final class ZeppelinNote {
    /** Zeppelin's note ids are nine characters of [A-Z0-9]. */
    public static final String ID = "2MUSEFSWP";
    public static final String NAME = "sweep-results";
    public static final String FILE = NAME + "_" + ID + ".zpln";
    /** The note form's name and default: a sweep's output folder. */
    public static final String SWEEP_FORM = "sweep";
    public static final String SWEEP_DEFAULT = "runs/sweeps/demo";

    /** A paragraph shown as a table. */
    public record Table(String id, String title, String sql) {
    }

    /** The tables beside the charts; each stays under Zeppelin's default 1,000 rows. */
    public static final List<Table> TABLES = List.of(
            new Table("best", "Best per target, feature sets and model: devel CCC with its 95 % bootstrap interval over "
                    + "videos, test CCC where the package has test labels", """
                    SELECT targets, feature_sets, model, round(devel_ccc, 4) AS devel_ccc,
                           round(coalesce(devel_ccc_ci_low_arousal, devel_ccc_ci_low_valence), 3) AS devel_ci_low,
                           round(coalesce(devel_ccc_ci_high_arousal, devel_ccc_ci_high_valence), 3) AS devel_ci_high,
                           round(test_ccc, 4) AS test_ccc, round(train_ccc_arousal, 4) AS train_ccc_arousal,
                           round(train_ccc_valence, 4) AS train_ccc_valence, name, trial_id
                    FROM best ORDER BY targets, devel_ccc DESC
                    LIMIT 500"""),
            new Table("seeds", "Seeds aggregated: mean, standard deviation and best devel CCC per configuration (best 200)", """
                    SELECT targets, feature_sets, model, configuration, seeds, round(devel_ccc_mean, 4) AS mean,
                           round(devel_ccc_std, 4) AS std, round(devel_ccc_best, 4) AS best, best_trial_id
                    FROM seeds ORDER BY targets, devel_ccc_mean DESC
                    LIMIT 200"""),
            new Table("loss", "Loss ablation (CCC vs MSE vs L1), where the grid has it", """
                    SELECT targets, feature_sets, model, loss, count(*) AS trials, round(avg(devel_ccc), 4) AS mean_devel_ccc,
                           round(max(devel_ccc), 4) AS best
                    FROM trials WHERE status = 'ok'
                    GROUP BY targets, feature_sets, model, loss ORDER BY targets, feature_sets, model, loss
                    LIMIT 500"""),
            new Table("failed", "Failed trials and their reasons (first 200)", """
                    SELECT trial_id, name, error, executor, attempt FROM trials WHERE status = 'failed'
                    ORDER BY trial_id
                    LIMIT 200"""));

    private ZeppelinNote() {
    }

    /** The note's file content. */
    public static String json() throws IOException {
        Map<String, Object> note = new LinkedHashMap<>();
        List<Object> paragraphs = new ArrayList<>();
        paragraphs.add(paragraph("intro", "Sweep results", """
                %md
                ## A museflow sweep's results
                Charts and tables of the Parquet tables a sweep writes (`spark-submit jobs/sweep.jar --grid FILE`;
                README, "Sweep results"). Set the sweep's output folder once, in the **sweep** form of the next
                paragraph, and run all paragraphs. The same charts are in the sweep's `report.html`.""",
                Map.of("editorHide", true), Map.of()));
        StringBuilder views = new StringBuilder("%spark\n// The one place that names the sweep: a note form, shared by every paragraph.\n"
                + "val sweep = z.noteTextbox(\"" + SWEEP_FORM + "\", \"" + SWEEP_DEFAULT + "\").toString\n");
        views.append("Seq(");
        List<String> pairs = new ArrayList<>();
        ResultViews.TABLES.forEach((view, table) -> pairs.add("\"" + view + "\" -> \"" + table + "\""));
        views.append(String.join(", ", pairs)).append(").foreach { case (view, table) =>\n")
                .append("  spark.read.parquet(s\"$sweep/$table\").createOrReplaceTempView(view)\n}\n")
                .append("val trialRows = spark.table(\"trials\")\n")
                .append("println(s\"$sweep: ${trialRows.count} trials, ${trialRows.where(\"status = 'failed'\").count} failed\")");
        paragraphs.add(paragraph("views", "The sweep's tables as views", views.toString(), Map.of(), Map.of()));
        for (ResultChart c : ResultCharts.ALL) {
            paragraphs.add(paragraph(c.id(), c.title(), "%spark.sql\n" + c.query(), Map.of("results", results(c)),
                    c.forms()));
        }
        for (Table t : TABLES) {
            paragraphs.add(paragraph(t.id(), t.title(), "%spark.sql\n" + t.sql(), Map.of(), Map.of()));
        }
        note.put("name", NAME);
        note.put("id", ID);
        note.put("defaultInterpreterGroup", "spark");
        note.put("version", "0.10.1");
        note.put("noteParams", Map.of());
        note.put("noteForms", Map.of());
        note.put("angularObjects", Map.of());
        note.put("config", Map.of("isZeppelinNotebookCronEnable", false));
        note.put("info", Map.of());
        note.put("paragraphs", paragraphs);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(note) + "\n";
    }

    private static Map<String, Object> paragraph(String id, String title, String text, Map<String, Object> config,
                                                 Map<String, String> params) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("title", title);
        p.put("text", text);
        p.put("id", "paragraph_" + id);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("title", true);
        c.put("editorHide", false);
        c.putAll(config);
        c.put("editorSetting", Map.of("language", text.startsWith("%md") ? "markdown"
                : text.startsWith("%spark.sql") ? "sql" : "scala"));
        p.put("config", c);
        Map<String, Object> settings = new LinkedHashMap<>(); // ordered: Map.of's order changes from one JVM to the next
        settings.put("params", new LinkedHashMap<>(params));
        settings.put("forms", Map.of());
        p.put("settings", settings);
        p.put("status", "READY");
        return p;
    }

    /** Zeppelin's chart settings: columns by name and position in the query's result ({@link ResultChart#columns()}). */
    private static Map<String, Object> results(ResultChart c) {
        List<String> columns = c.columns();
        Map<String, Object> graph = new LinkedHashMap<>();
        graph.put("mode", c.kind().zeppelinMode());
        graph.put("height", 300.0);
        graph.put("optionOpen", false);
        graph.put("setting", Map.of(c.kind().zeppelinMode(), Map.of()));
        graph.put("commonSetting", Map.of());
        graph.put("keys", List.of(column(c.x(), columns)));
        graph.put("groups", c.series() == null ? List.of() : List.of(column(c.series(), columns)));
        graph.put("values", c.values().stream().map(v -> column(v, columns)).toList());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("graph", graph);
        result.put("helium", Map.of());
        return Map.of("0", result);
    }

    private static Map<String, Object> column(String name, List<String> columns) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("index", (double) columns.indexOf(name));
        m.put("aggr", "sum");
        return m;
    }
}
