package io.museflow.report;

import java.util.List;

/**
 * The charts of a sweep's results, defined once for the Zeppelin note and the HTML report. Every
 * query runs on the views of {@link ResultViews} and returns few rows whatever the sweep's size
 * (Zeppelin shows 1,000 by default): aggregates, the five best curves, a trace binned to at most
 * 400 points. Each query returns the chart's columns first ({@link ResultChart#columns()}, x, series,
 * values: the positions Zeppelin's chart settings name), then any others.
 */
public final class ResultCharts {
    private ResultCharts() {
    }

    /** Unimodal, early fusion ("a+b" feature sets) or late fusion (a second-level model) of a trial row. */
    static final String KIND = "CASE WHEN model LIKE 'late-%' THEN 'late fusion' "
            + "WHEN feature_sets LIKE '%+%' THEN 'early fusion' ELSE 'unimodal' END";

    /** The hyperparameter columns of the trials table a grid may vary (the effect chart's select form). */
    public static final List<String> HYPERPARAMETERS = List.of("learning_rate", "hidden", "width", "heads",
            "attention_layers", "lstm_layers", "layers", "cell", "bidirectional", "dropout", "batch_size", "loss",
            "segment_id", "ccc_reduction", "head", "projection_bias", "init", "plateau");

    public static final ResultChart LEARNING_CURVES = new ResultChart("learning-curves",
            "Learning curves of the five best trials (devel CCC per epoch; a joint model's is the mean of its two)",
            ChartKind.LINE, """
            SELECT e.epoch, t.name,
                   round((coalesce(e.devel_ccc_arousal, e.devel_ccc_valence)
                          + coalesce(e.devel_ccc_valence, e.devel_ccc_arousal)) / 2, 4) AS devel_ccc
            FROM epochs e
            JOIN (SELECT trial_id, name FROM trials WHERE status = 'ok' ORDER BY devel_ccc DESC, trial_id LIMIT 5) t
              ON e.trial_id = t.trial_id
            ORDER BY t.name, e.epoch""", "epoch", "name", List.of("devel_ccc"));

    public static final ResultChart BY_FEATURE_SET = new ResultChart("by-feature-set",
            "Best devel CCC by target and feature sets, per model", ChartKind.BAR, """
            SELECT concat(targets, ': ', feature_sets) AS feature_sets, model, round(max(devel_ccc), 4) AS devel_ccc
            FROM trials
            WHERE status = 'ok' AND model NOT LIKE 'late-%'
            GROUP BY targets, trials.feature_sets, model
            ORDER BY 1, 2""", "feature_sets", "model", List.of("devel_ccc"));

    public static final ResultChart HYPERPARAMETER = new ResultChart("hyperparameter",
            "Effect of a hyperparameter: mean devel CCC of the trials with each value (all seeds), and mean ± one standard deviation",
            ChartKind.LINE, """
            SELECT CAST(${hyperparameter=learning_rate,%s} AS STRING) AS value, targets,
                   round(avg(devel_ccc), 4) AS mean,
                   round(avg(devel_ccc) - coalesce(stddev_samp(devel_ccc), 0), 4) AS low,
                   round(avg(devel_ccc) + coalesce(stddev_samp(devel_ccc), 0), 4) AS high, count(*) AS trials
            FROM trials
            WHERE status = 'ok' AND model NOT LIKE 'late-%%' AND ${hyperparameter} IS NOT NULL
            GROUP BY ${hyperparameter}, targets
            ORDER BY targets, min(${hyperparameter})""".formatted(String.join("|", HYPERPARAMETERS)),
            "value", "targets", List.of("mean", "low", "high"));

    public static final ResultChart SEED_SPREAD = new ResultChart("seed-spread",
            "Seed spread per configuration: lowest, mean and highest devel CCC over its seeds (configurations with two or more)",
            ChartKind.BAR, """
            SELECT configuration, min, mean, max, seeds FROM (
              SELECT regexp_replace(name, ' seed-?[0-9]+$', '') AS configuration, count(*) AS seeds,
                     round(min(devel_ccc), 4) AS min, round(avg(devel_ccc), 4) AS mean, round(max(devel_ccc), 4) AS max
              FROM trials
              WHERE status = 'ok'
              GROUP BY group_id, regexp_replace(name, ' seed-?[0-9]+$', '')
              HAVING count(*) > 1)
            ORDER BY mean DESC, configuration
            LIMIT 40""", "configuration", null, List.of("min", "mean", "max"));

    public static final ResultChart FUSION = new ResultChart("fusion",
            "Unimodal, early and late fusion side by side: the best devel CCC of each per target", ChartKind.BAR, """
            SELECT targets, %s AS kind, round(max(devel_ccc), 4) AS devel_ccc
            FROM trials
            WHERE status = 'ok'
            GROUP BY targets, %s
            ORDER BY targets, kind""".formatted(KIND, KIND), "targets", "kind", List.of("devel_ccc"));

    /**
     * Common table expressions {@code ranked, top}: the best trial per target by that target's devel
     * CCC (a joint model competes for both), {@code top(trial_id, target)}.
     */
    static final String BEST_PER_TARGET = """
            ranked AS (
              SELECT trial_id, 'arousal' AS target, devel_ccc_arousal AS ccc FROM trials
              WHERE status = 'ok' AND devel_ccc_arousal IS NOT NULL
              UNION ALL
              SELECT trial_id, 'valence' AS target, devel_ccc_valence AS ccc FROM trials
              WHERE status = 'ok' AND devel_ccc_valence IS NOT NULL),
            top AS (
              SELECT trial_id, target FROM (
                SELECT trial_id, target, row_number() OVER (PARTITION BY target ORDER BY ccc DESC, trial_id) AS r
                FROM ranked)
              WHERE r = 1)""";

    public static final ResultChart PER_VIDEO = new ResultChart("per-video",
            "Per-video devel CCC of the best system of each target", ChartKind.BAR, """
            WITH %s,
            moments AS (
              SELECT p.video, p.target, avg(p.prediction) AS mp, avg(p.label) AS ml, var_pop(p.prediction) AS vp,
                     var_pop(p.label) AS vl, covar_pop(p.prediction, p.label) AS c
              FROM predictions p JOIN top ON p.trial_id = top.trial_id AND p.target = top.target
              WHERE p.partition = 'devel' AND p.label IS NOT NULL AND NOT isnan(p.label)
              GROUP BY p.video, p.target)
            SELECT video, target, round(2 * c / (vp + vl + (mp - ml) * (mp - ml)), 4) AS ccc
            FROM moments
            ORDER BY target, video""".formatted(BEST_PER_TARGET), "video", "target", List.of("ccc"));

    public static final ResultChart TRACE = new ResultChart("trace",
            "Predicted and gold trace of one devel video, best system of the target (empty video: the first; averaged into at most 400 points)",
            ChartKind.LINE, """
            WITH top AS (
              SELECT trial_id FROM trials
              WHERE status = 'ok' AND devel_ccc_${target=arousal,arousal|valence} IS NOT NULL
              ORDER BY devel_ccc_${target} DESC, trial_id LIMIT 1),
            p AS (
              SELECT video, frame, timestamp, prediction, CASE WHEN isnan(label) THEN NULL ELSE label END AS label
              FROM predictions
              WHERE trial_id IN (SELECT trial_id FROM top) AND target = '${target}' AND partition = 'devel'),
            chosen AS (SELECT coalesce(nullif('${video=}', ''), min(video)) AS video FROM p),
            trace AS (SELECT p.* FROM p JOIN chosen ON p.video = chosen.video),
            step AS (SELECT greatest(1, CAST(ceil(count(*) / 400.0) AS INT)) AS n FROM trace)
            SELECT round(min(coalesce(timestamp / 1000.0, frame)), 2) AS seconds,
                   round(avg(prediction), 4) AS prediction, round(avg(label), 4) AS gold
            FROM trace CROSS JOIN step
            GROUP BY floor(frame / step.n)
            ORDER BY seconds""", "seconds", null, List.of("prediction", "gold"));

    /** In the order the note and the report show them. */
    public static final List<ResultChart> ALL = List.of(LEARNING_CURVES, BY_FEATURE_SET, HYPERPARAMETER, SEED_SPREAD,
            FUSION, PER_VIDEO, TRACE);
}
