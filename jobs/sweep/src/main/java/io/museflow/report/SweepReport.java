package io.museflow.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.museflow.job.CodeVersion;
import io.museflow.store.AtomicFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One self-contained HTML file per sweep ({@code <sweep>/report.html}): it opens offline, with no
 * server and no network, because the charting library (Apache ECharts, from its webjar) is inlined
 * into the file. It holds the leaderboard per target, every chart of {@link ResultCharts} (the
 * hyperparameter chart once per hyperparameter the sweep varies, the trace once per target), the
 * fusion table, and the provenance of every number: each chart carries its query over the sweep's
 * tables, and every trial is listed with its resolved configuration, seed, data fingerprint and
 * code version. Charts are ECharts options built here from the query results and drawn as SVG.
 */
public final class SweepReport {
    public static final String FILE = "report.html";
    static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LEADERS = 15;

    private SweepReport() {
    }

    /** A chart as drawn: its definition, the forms it was drawn with, the rows. */
    record Drawn(ResultChart chart, String anchor, String title, String sql, List<Row> rows) {
    }

    /** Writes {@code <sweep>/report.html} (replacing an earlier one) and returns its path. */
    public static Path write(SparkSession spark, String sweep) throws IOException {
        ResultViews.register(spark, sweep);
        bestPredictionsOnly(spark, sweep);
        String html = html(spark, sweep);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path target = new Path(sweep, FILE);
        AtomicFiles.commitReplacing(target, conf, tmp -> {
            try (FSDataOutputStream out = tmp.getFileSystem(conf).create(tmp)) {
                out.write(html.getBytes(StandardCharsets.UTF_8));
            }
        });
        return target.getFileSystem(conf).makeQualified(target);
    }

    /**
     * Narrows the {@code predictions} view to the files of the trials the charts draw (the best per
     * target, as {@link ResultCharts#BEST_PER_TARGET} picks them): a large sweep's predictions are
     * billions of rows, one file per trial, and a join cannot skip files.
     */
    private static void bestPredictionsOnly(SparkSession spark, String sweep) {
        List<String> files = strings(spark.sql("WITH " + ResultCharts.BEST_PER_TARGET
                + " SELECT DISTINCT trial_id FROM top ORDER BY 1")).stream()
                .map(id -> io.museflow.results.SweepLayout.predictionsFile(sweep, id).toString()).toList();
        if (!files.isEmpty()) {
            spark.read().parquet(files.toArray(String[]::new)).createOrReplaceTempView("predictions");
        }
    }

    /** The charts this sweep's tables give, in report order, with their rows. */
    static List<Drawn> charts(SparkSession spark) {
        List<Drawn> out = new ArrayList<>();
        for (ResultChart c : ResultCharts.ALL) {
            if (c == ResultCharts.HYPERPARAMETER) {
                for (String h : varied(spark)) {
                    out.add(draw(spark, c, c.id() + "-" + h, "Effect of " + h.replace('_', ' ')
                            + ": mean devel CCC of the trials with each value (all seeds), and mean ± one standard deviation",
                            Map.of("hyperparameter", h)));
                }
            } else if (c == ResultCharts.TRACE) {
                for (String target : List.of("arousal", "valence")) {
                    Drawn d = draw(spark, c, c.id() + "-" + target, "Predicted and gold " + target
                            + " of the first devel video, best " + target + " system (averaged into at most 400 points)",
                            Map.of("target", target));
                    if (!d.rows().isEmpty()) {
                        out.add(d);
                    }
                }
            } else {
                out.add(draw(spark, c, c.id(), c.title(), Map.of()));
            }
        }
        return out;
    }

    private static Drawn draw(SparkSession spark, ResultChart c, String anchor, String title, Map<String, String> forms) {
        String sql = c.sql(forms);
        return new Drawn(c, anchor, title, sql, spark.sql(sql).collectAsList());
    }

    /** The hyperparameters with more than one value among the sweep's first-level trials. */
    static List<String> varied(SparkSession spark) {
        List<String> out = new ArrayList<>();
        Dataset<Row> t = spark.table("trials").where("status = 'ok' AND model NOT LIKE 'late-%'");
        List<String> present = List.of(t.columns());
        List<String> exprs = new ArrayList<>();
        for (String h : ResultCharts.HYPERPARAMETERS) {
            if (present.contains(h)) {
                exprs.add("count(DISTINCT " + h + ") AS " + h);
            }
        }
        Row counts = t.selectExpr(exprs.toArray(String[]::new)).first();
        for (String h : ResultCharts.HYPERPARAMETERS) {
            if (present.contains(h) && counts.getLong(counts.fieldIndex(h)) > 1) {
                out.add(h);
            }
        }
        return out;
    }

    static String html(SparkSession spark, String sweep) throws IOException {
        StringBuilder h = new StringBuilder(1 << 20);
        Row counts = spark.sql("SELECT count(*) AS trials, count_if(status = 'ok') AS ok, count_if(status = 'failed') "
                + "AS failed FROM trials").first();
        List<String> fingerprints = strings(spark.sql("SELECT DISTINCT data_fingerprint FROM trials "
                + "WHERE data_fingerprint IS NOT NULL ORDER BY 1"));
        List<String> versions = strings(spark.sql("SELECT DISTINCT code_version FROM trials "
                + "WHERE code_version IS NOT NULL ORDER BY 1"));
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>museflow report: ")
                .append(esc(sweep)).append("</title>\n<style>\n").append(STYLE).append("</style>\n<script>\n")
                .append(echarts()).append("\n</script>\n</head><body>\n");
        h.append("<h1>museflow sweep report</h1>\n<table class=\"facts\">")
                .append(fact("sweep", sweep))
                .append(fact("trials", counts.getLong(0) + " (" + counts.getLong(1) + " ok, " + counts.getLong(2) + " failed)"))
                .append(fact("data fingerprint", String.join(", ", fingerprints)))
                .append(fact("code version of the trials", String.join(", ", versions)))
                .append(fact("report written", Instant.now() + " by museflow " + CodeVersion.get()))
                .append("</table>\n<p>Every number below comes from the sweep's Parquet tables: each chart shows its "
                        + "query, and <a href=\"#provenance\">Provenance</a> lists every trial with its resolved "
                        + "configuration, seed, data fingerprint and code version. Devel CCC selects; test CCC, where "
                        + "the package has test labels, is only reported.</p>\n");
        leaderboard(spark, h);
        h.append("<h2 id=\"charts\">Charts</h2>\n");
        for (Drawn d : charts(spark)) {
            chart(d, h);
        }
        fusion(spark, h);
        provenance(spark, h);
        h.append("<script>\n// Draws every chart from its option (built by museflow) with ECharts' SVG renderer.\n")
                .append("document.querySelectorAll('div[data-chart]').forEach(function (el) {\n")
                .append("  var option = JSON.parse(document.getElementById(el.dataset.chart + '-option').textContent);\n")
                .append("  echarts.init(el, null, {renderer: 'svg'}).setOption(option);\n")
                .append("});\n</script>\n</body></html>\n");
        return h.toString();
    }

    private static void leaderboard(SparkSession spark, StringBuilder h) {
        h.append("<h2 id=\"leaderboard\">Leaderboard per target</h2>\n");
        for (String target : List.of("arousal", "valence")) {
            List<Row> rows = spark.sql("""
                    SELECT trial_id, name, %s AS kind, devel_ccc_%s AS devel, devel_ccc_ci_low_%s AS low,
                           devel_ccc_ci_high_%s AS high, test_ccc_%s AS test, seed, data_fingerprint, code_version
                    FROM trials WHERE status = 'ok' AND devel_ccc_%s IS NOT NULL
                    ORDER BY devel_ccc_%s DESC, trial_id LIMIT %d""".formatted(ResultCharts.KIND, target, target,
                    target, target, target, target, LEADERS)).collectAsList();
            if (rows.isEmpty()) {
                continue;
            }
            h.append("<h3>").append(target).append("</h3>\n<table class=\"data\"><tr><th>#</th><th>devel CCC</th>"
                    + "<th>95 % interval (videos)</th><th>test CCC</th><th>kind</th><th>trial</th><th>seed</th>"
                    + "<th>data</th><th>code</th></tr>\n");
            int rank = 0;
            for (Row r : rows) {
                rank++;
                h.append(tr(null, String.valueOf(rank), num(r.get(3)),
                        r.isNullAt(4) ? "" : "[" + num(r.get(4)) + ", " + num(r.get(5)) + "]", num(r.get(6)),
                        esc(r.getString(2)), trialLink(r.getString(0), r.getString(1)), r.isNullAt(7) ? "" : str(r.get(7)),
                        shortCode(str(r.get(8))), "<code>" + esc(str(r.get(9))) + "</code>"));
            }
            h.append("</table>\n");
        }
    }

    private static void chart(Drawn d, StringBuilder h) throws IOException {
        h.append("<section class=\"chart\" id=\"").append(d.anchor()).append("\"><h3>").append(esc(d.title()))
                .append("</h3>\n");
        if (d.rows().isEmpty()) {
            h.append("<p class=\"empty\">No rows in this sweep (").append(emptyReason(d.chart())).append(").</p>\n");
        } else {
            h.append("<div class=\"plot\" data-chart=\"").append(d.anchor()).append("\"></div>\n")
                    .append("<script type=\"application/json\" id=\"").append(d.anchor()).append("-option\">")
                    .append(JSON.writeValueAsString(option(d)).replace("</", "<\\/")).append("</script>\n");
        }
        h.append("<details><summary>query (").append(d.rows().size()).append(" rows)</summary><pre>")
                .append(esc(d.sql())).append("</pre></details></section>\n");
    }

    private static String emptyReason(ResultChart c) {
        return c == ResultCharts.SEED_SPREAD ? "no configuration ran with two or more seeds"
                : c == ResultCharts.PER_VIDEO ? "no devel predictions with labels" : "nothing to draw";
    }

    /** The ECharts option of a drawn chart: one series per series value (and value column). */
    static ObjectNode option(Drawn d) {
        ResultChart c = d.chart();
        boolean numericX = c.kind() == ChartKind.LINE && d.rows().stream().allMatch(r -> r.getAs(c.x()) instanceof Number);
        List<Object> categories = new ArrayList<>(new LinkedHashSet<>(d.rows().stream().map(r -> (Object) str(r.getAs(c.x())))
                .toList()));
        Map<String, Map<Object, Object>> series = new LinkedHashMap<>();
        for (Row r : d.rows()) {
            for (String v : c.values()) {
                String name = c.series() == null ? v : str(r.getAs(c.series())) + (c.values().size() > 1 ? " " + v : "");
                Object x = numericX ? ((Number) r.getAs(c.x())).doubleValue() : str(r.getAs(c.x()));
                series.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(x, r.getAs(v));
            }
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("animation", false);
        o.putObject("tooltip").put("trigger", "axis");
        o.putObject("legend").put("type", "scroll").put("top", 0);
        o.putObject("grid").put("left", 50).put("right", 30).put("top", 40).put("bottom", 20).put("containLabel", true);
        ObjectNode x = o.putObject("xAxis");
        x.put("name", c.x());
        x.put("nameLocation", "middle").put("nameGap", 28);
        if (numericX) {
            x.put("type", "value").put("scale", true);
        } else {
            x.put("type", "category");
            ArrayNode data = x.putArray("data");
            categories.forEach(k -> data.add((String) k));
            if (categories.size() > 6) {
                x.putObject("axisLabel").put("rotate", 30).put("interval", 0);
                x.put("nameGap", 60);
            }
        }
        o.putObject("yAxis").put("type", "value").put("scale", true).put("name", String.join(", ", c.values()));
        ArrayNode all = o.putArray("series");
        for (Map.Entry<String, Map<Object, Object>> e : series.entrySet()) {
            ObjectNode s = all.addObject();
            s.put("name", e.getKey()).put("type", c.kind().echartsType());
            ArrayNode data = s.putArray("data");
            if (numericX) {
                e.getValue().forEach((k, v) -> data.addArray().add((Double) k).add(number(v)));
                s.put("showSymbol", e.getValue().size() <= 30);
            } else {
                for (Object k : categories) {
                    data.add(number(e.getValue().get(k)));
                }
            }
            if (c.kind() == ChartKind.LINE) {
                s.put("connectNulls", true);
                if (c.values().size() > 1 && !e.getKey().endsWith(c.values().get(0)) && c.series() != null) {
                    s.putObject("lineStyle").put("type", "dashed"); // the spread around a mean
                }
            }
        }
        return o;
    }

    private static void fusion(SparkSession spark, StringBuilder h) {
        h.append("<h2 id=\"fusion\">Fusion</h2>\n");
        List<Row> rows = spark.sql("""
                SELECT targets, %s AS kind, model, feature_sets, devel_ccc, test_ccc,
                       get_json_object(config, '$.late_fusion.sources') AS sources, trial_id, seed
                FROM trials WHERE status = 'ok' AND (model LIKE 'late-%%' OR feature_sets LIKE '%%+%%')
                ORDER BY targets, devel_ccc DESC, trial_id""".formatted(ResultCharts.KIND)).collectAsList();
        if (rows.isEmpty()) {
            h.append("<p class=\"empty\">This sweep has no fusion trials.</p>\n");
            return;
        }
        h.append("<p>Early fusion trains one model on aligned feature sets (\"a+b\"); late fusion trains a second-level "
                + "model on the per-frame predictions of its source trials (late-mean: their untrained mean).</p>\n"
                + "<table class=\"data\"><tr><th>targets</th><th>kind</th><th>model</th><th>feature sets</th>"
                + "<th>devel CCC</th><th>test CCC</th><th>sources (feature set → trial)</th><th>trial</th><th>seed</th></tr>\n");
        for (Row r : rows) {
            h.append(tr(null, esc(r.getString(0)), esc(r.getString(1)), esc(r.getString(2)), esc(r.getString(3)),
                    num(r.get(4)), num(r.get(5)), sources(r.getString(6)), trialLink(r.getString(7), null),
                    r.isNullAt(8) ? "" : str(r.get(8))));
        }
        h.append("</table>\n");
    }

    private static String sources(String json) {
        if (json == null) {
            return "";
        }
        try {
            List<String> out = new ArrayList<>();
            JsonNode n = JSON.readTree(json);
            n.fields().forEachRemaining(e -> out.add(esc(e.getKey()) + " → " + trialLink(e.getValue().asText(), null)));
            return String.join("<br>", out);
        } catch (IOException e) {
            return esc(json);
        }
    }

    private static void provenance(SparkSession spark, StringBuilder h) {
        h.append("<h2 id=\"provenance\">Provenance</h2>\n<p>Every trial of the sweep: the configuration it was "
                + "resolved to, its seed, the fingerprint of the prepared data it read and the code that trained it.</p>\n"
                + "<table class=\"data\"><tr><th>trial</th><th>status</th><th>name</th><th>seed</th><th>devel CCC</th>"
                + "<th>data fingerprint</th><th>code version</th><th>configuration</th></tr>\n");
        for (Row r : spark.sql("SELECT trial_id, status, name, seed, devel_ccc, data_fingerprint, code_version, config, "
                + "error FROM trials ORDER BY status DESC, devel_ccc DESC, trial_id").collectAsList()) {
            h.append(tr("trial-" + r.getString(0), "<code>" + esc(r.getString(0)) + "</code>",
                    esc(r.getString(1)) + (r.isNullAt(8) ? "" : ": " + esc(r.getString(8))), esc(str(r.get(2))),
                    r.isNullAt(3) ? "" : str(r.get(3)), num(r.get(4)), "<code>" + esc(str(r.get(5))) + "</code>",
                    "<code>" + esc(str(r.get(6))) + "</code>",
                    "<details><summary>config</summary><pre>" + esc(pretty(r.getString(7))) + "</pre></details>"));
        }
        h.append("</table>\n");
    }

    private static String pretty(String json) {
        if (json == null) {
            return "";
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
        } catch (IOException e) {
            return json;
        }
    }

    /** A table row of cells that are HTML already; {@code id} (escaped here) may be null. */
    private static String tr(String id, String... cells) {
        StringBuilder b = new StringBuilder(id == null ? "<tr>" : "<tr id=\"" + esc(id) + "\">");
        for (String c : cells) {
            b.append("<td>").append(c).append("</td>");
        }
        return b.append("</tr>\n").toString();
    }

    /** A long hash shown by its first 12 characters, the whole in its tooltip. */
    private static String shortCode(String s) {
        return "<code title=\"" + esc(s) + "\">" + esc(s.length() > 16 ? s.substring(0, 12) + "…" : s) + "</code>";
    }

    private static String trialLink(String id, String name) {
        return "<a href=\"#trial-" + esc(id) + "\"><code>" + esc(id) + "</code></a>" + (name == null ? "" : " " + esc(name));
    }

    private static String fact(String key, String value) {
        return "<tr><th>" + esc(key) + "</th><td>" + esc(value) + "</td></tr>";
    }

    private static List<String> strings(Dataset<Row> d) {
        return d.collectAsList().stream().map(r -> r.getString(0)).toList();
    }

    private static String echarts() throws IOException {
        try (InputStream in = SweepReport.class.getResourceAsStream(ECHARTS)) {
            if (in == null) {
                throw new IOException("the ECharts bundle " + ECHARTS + " is not on the class path (the sweep jar carries it)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Double number(Object v) {
        return v instanceof Number n && !Double.isNaN(n.doubleValue()) ? n.doubleValue() : null;
    }

    private static String num(Object v) {
        return v instanceof Number n && !Double.isNaN(n.doubleValue()) ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : "";
    }

    private static String str(Object v) {
        return v == null ? "" : v.toString();
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    private static final String STYLE = """
            body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; padding: 0 1em; }
            h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; } h3 { font-size: 1.05em; }
            table { border-collapse: collapse; margin: 0.5em 0; }
            table.data td, table.data th, table.facts td, table.facts th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
            table.data tr:nth-child(even) { background: #f7f7f7; }
            .plot { width: 100%; height: 380px; }
            .empty { color: #777; font-style: italic; }
            pre { background: #f4f4f4; padding: 0.6em; overflow-x: auto; font-size: 12px; }
            code { font-size: 12px; }
            section.chart { margin-bottom: 1.5em; }
            """;
}
