package io.museflow.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One chart of a sweep's results: a Spark SQL query over the result views ({@link ResultViews}) and
 * which of its columns the chart draws: {@code x} along the axis, one line or bar per value column
 * and, with a {@code series} column, per value of it. The query may hold Zeppelin dynamic forms,
 * {@code ${name=default}} or {@code ${name=default,a|b|c}} (a select), and {@code ${name}} again
 * for the same value; {@link #sql(Map)} fills them the way Zeppelin does.
 *
 * @param id      stable name (paragraph ids, HTML anchors)
 * @param title   what the chart shows, as a heading
 * @param kind    line or bars
 * @param query   the SQL, with forms
 * @param x       the column along the x axis
 * @param series  the column whose values split the rows into series, or null
 * @param values  the columns drawn (at least one)
 */
public record ResultChart(String id, String title, ChartKind kind, String query, String x, String series,
                          List<String> values) {
    private static final Pattern FORM = Pattern.compile("\\$\\{([a-z_]+)(?:=([^,}]*)(?:,([^}]*))?)?}");

    public ResultChart {
        Objects.requireNonNull(id);
        Objects.requireNonNull(kind);
        if (values.isEmpty()) {
            throw new IllegalArgumentException(id + ": a chart draws at least one value column");
        }
        values = List.copyOf(values);
    }

    /** Every column the chart names: x, the series column, the values. */
    public List<String> columns() {
        List<String> c = new java.util.ArrayList<>();
        c.add(x);
        if (series != null) {
            c.add(series);
        }
        c.addAll(values);
        return c;
    }

    /** The forms of the query with their defaults, in order of first appearance. */
    public Map<String, String> forms() {
        return forms(query);
    }

    /** The forms of a query with Zeppelin dynamic forms, with their defaults ("" for none). */
    public static Map<String, String> forms(String query) {
        Map<String, String> forms = new LinkedHashMap<>();
        Matcher m = FORM.matcher(query);
        while (m.find()) {
            forms.putIfAbsent(m.group(1), m.group(2) == null ? "" : m.group(2));
        }
        return forms;
    }

    /** The query with every form replaced by its value in {@code values}, else its default. */
    public String sql(Map<String, String> values) {
        return fill(query, values);
    }

    /**
     * {@code query} with every form replaced, as Zeppelin replaces them: by the value given for its
     * name, else the default its first appearance declares.
     */
    public static String fill(String query, Map<String, String> values) {
        Map<String, String> forms = forms(query);
        Matcher m = FORM.matcher(query);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.getOrDefault(m.group(1), forms.get(m.group(1)));
            if (!v.matches("[A-Za-z0-9_.\\-+ ]*")) { // forms are pasted into SQL: names and numbers only
                throw new IllegalArgumentException("form " + m.group(1) + " = '" + v + "' is not a plain value");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
