package io.museflow.prepare.spark;

import io.museflow.job.Console;
import io.museflow.job.Jobs;
import io.museflow.prepared.FrameRecord;
import io.museflow.prepared.PreparedTables;
import io.museflow.store.OutputDir;
import io.museflow.store.QualifiedPaths;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.museflow.config.PrepareConfig;
import io.museflow.data.FeatureMoments;
import io.museflow.data.FeatureStats;
import io.museflow.data.Partition;
import io.museflow.data.Windower;
import io.museflow.prepare.PackageScanner;
import io.museflow.prepare.PreparePlan;
import io.museflow.prepare.PreparedVideo;
import io.museflow.prepare.SetPlan;
import io.museflow.prepare.VideoPreparer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code spark-submit jobs/prepare.jar [--config FILE] [key=value …]}: MuSe feature and label CSVs →
 * aligned, standardized, windowed Parquet. Data never passes through the driver: it plans from
 * listings and headers, each task reads and aligns whole videos, standardization statistics are
 * reduced across executors, and each table is written by the executors.
 */
public final class PrepareJob {
    private PrepareJob() {
    }

    public static void main(String[] args) throws Exception {
        Jobs.main("prepare", """
                usage: spark-submit jobs/prepare.jar [--config FILE] [key=value ...]
                  Keys are those of museflow.prepare in reference.conf (e.g. input=..., output=...,
                  feature-sets=[egemaps,bert], window.size=300, overwrite=true).""", args, a -> {
            PrepareConfig cfg = PrepareConfig.load(a);
            return spark -> run(spark, cfg);
        });
    }

    /** What a finished (or skipped) run produced. */
    record Result(String output, boolean skipped, long videos, long frames, long windows, String dataFingerprint) {
    }

    public static Result run(SparkSession spark, PrepareConfig cfg) throws Exception {
        Console log = new Console("prepare");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // Tasks read the package: they get the folder as the driver means it.
        HadoopPackageFiles files = new HadoopPackageFiles(cfg.input(), QualifiedPaths.of(cfg.input(),
                spark.sparkContext().hadoopConfiguration()));
        log.info("scanning " + cfg.input());
        PreparePlan plan = new PackageScanner(files, cfg).scan();
        plan.warnings().forEach(log::warn);
        log.info(String.format("layout %s, labels every %d ms; %d videos (train %d, devel %d, test %d); sets: %s",
                plan.layout().id(), plan.labelPeriodMs(), plan.videos().size(), plan.count(Partition.TRAIN),
                plan.count(Partition.DEVEL), plan.count(Partition.TEST), describe(plan.sets())));

        List<String> keyLines = new ArrayList<>(plan.inputListing());
        keyLines.add(cfg.rendered().replaceAll("\"overwrite\"\\s*:\\s*(true|false)", ""));
        String runKey = OutputDir.sha256(keyLines);
        OutputDir out = new OutputDir(cfg.output(), "prepare", sc.hadoopConfiguration());
        OutputDir.State state = out.check(runKey, cfg.overwrite(), PrepareConfig.SECTION + ".overwrite");
        // overwrite = true replaces a different run; an identical one is never redone.
        if (state == OutputDir.State.SAME_RUN) {
            var m = out.targetManifest();
            log.info("output " + out.targetUri() + " already holds this run (created " + m.path("created").asText()
                    + "); nothing to do");
            return new Result(out.targetUri(), true, m.path("videos").path("total").asLong(),
                    m.path("frames").path("total").asLong(), m.path("windows").asLong(),
                    m.path("data_fingerprint").asText());
        }

        try {
            Result r = write(spark, sc, cfg, plan, files, out, runKey, log);
            log.info("done in " + String.format("%.1f", log.elapsedSeconds()) + " s: " + r.output());
            return r;
        } catch (Throwable t) {
            out.abort();
            throw t;
        }
    }

    private static Result write(SparkSession spark, JavaSparkContext sc, PrepareConfig cfg, PreparePlan plan,
                                HadoopPackageFiles files, OutputDir out, String runKey, Console log) throws Exception {
        int slices = Math.max(1, Math.min(plan.videos().size(), sc.defaultParallelism() * 4));
        VideoPreparer preparer = new VideoPreparer(files, plan);
        sc.setJobGroup("prepare", "read and align " + plan.videos().size() + " videos", false);
        JavaRDD<PreparedVideo> videos = sc.parallelize(plan.videos(), slices)
                .map(preparer::prepare)
                .setName("aligned videos")
                // Deserialized: every table is one more pass over these, and Java deserialization of the
                // float arrays cost ~8% of the run when stored serialized. Spills to disk when memory is short.
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            log.info("step 1/3: reading and aligning " + plan.videos().size() + " videos on " + slices + " tasks");
            List<Row> quality = videos.flatMap(v -> PreparedTables.qualityRows(v).iterator()).collect();
            List<String> checksums = new ArrayList<>(videos.flatMap(v -> v.checksums().iterator()).collect());
            checksums.sort(null);
            String dataFingerprint = OutputDir.sha256(checksums);

            log.info("step 2/3: fitting standardization on " + plan.count(Partition.TRAIN) + " train videos");
            Map<String, FeatureStats> stats = fitStats(videos, plan);
            Broadcast<Map<String, FeatureStats>> statsB = sc.broadcast(stats);

            String tmp = out.tempUri();
            log.info("step 3/3: writing labels and features to " + tmp);
            sc.setJobGroup("prepare", "write tables", false);
            save(spark, videos.flatMap(v -> PreparedTables.labelRows(v).iterator()), PreparedTables.LABELS_SCHEMA,
                    tmp + "/" + PreparedTables.LABELS, true);
            for (SetPlan set : plan.sets()) {
                String name = set.name();
                save(spark.createDataset(videos.flatMap(v -> PreparedTables.featureRows(v, set, statsB.value().get(name))
                                .iterator()).rdd(), Encoders.bean(FrameRecord.class)).select(columns(FrameRecord.COLUMNS)),
                        tmp + "/" + PreparedTables.FEATURES + "/" + set.tableName(), true);
            }

            // Train windows are not written: every trial reads whole train videos anyway (for its
            // train-partition predictions and reconstruction errors) and cuts them with the same
            // Windower, window.size and window.hop recorded in the manifest (README: "Windows").
            Windower windower = new Windower(cfg.windowSize(), cfg.windowHop());
            List<Row> statRows = new ArrayList<>();
            for (SetPlan set : plan.sets()) {
                statRows.addAll(PreparedTables.statsRows(set, stats.get(set.name())));
            }
            spark.createDataFrame(statRows, PreparedTables.STATS_SCHEMA).coalesce(1).write().mode(SaveMode.ErrorIfExists)
                    .parquet(tmp + "/" + PreparedTables.STATS);
            spark.createDataFrame(quality, PreparedTables.QUALITY_SCHEMA).coalesce(1).write()
                    .mode(SaveMode.ErrorIfExists).parquet(tmp + "/" + PreparedTables.QUALITY);

            Map<String, Long> frames = new LinkedHashMap<>();
            Map<String, Long> videoCount = new LinkedHashMap<>();
            long totalFrames = 0;
            long windows = 0;
            String firstSet = plan.sets().get(0).name().replace("/", "__");
            for (Row q : quality) {
                if (q.getString(2).equals(firstSet)) {
                    frames.merge(q.getString(1), (long) q.getInt(3), Long::sum);
                    videoCount.merge(q.getString(1), 1L, Long::sum);
                    totalFrames += q.getInt(3);
                    if (q.getString(1).equals(Partition.TRAIN.id())) {
                        windows += windower.windows(q.getInt(3)).size();
                    }
                }
            }
            ObjectNode m = out.newManifest(runKey);
            m.put("input", files.root());
            m.put("layout", plan.layout().id());
            m.put("label_period_ms", plan.labelPeriodMs());
            m.put("data_fingerprint", dataFingerprint);
            m.put("window_size", cfg.windowSize());
            m.put("window_hop", cfg.windowHop());
            ArrayNode setsNode = m.putArray("feature_sets");
            for (SetPlan s : plan.sets()) {
                setsNode.addObject().put("name", s.name()).put("table", s.tableName()).put("alignment", s.mode().id())
                        .put("standardized", s.standardize()).put("width", s.width());
            }
            ObjectNode vc = m.putObject("videos");
            videoCount.forEach(vc::put);
            vc.put("total", plan.videos().size());
            ObjectNode fc = m.putObject("frames");
            frames.forEach(fc::put);
            fc.put("total", totalFrames);
            m.put("windows", windows);
            ArrayNode w = m.putArray("warnings");
            plan.warnings().forEach(w::add);
            m.put("config", cfg.rendered());
            out.commit(m);
            printSummary(log, plan, quality, frames, videoCount, windows);
            return new Result(out.targetUri(), false, plan.videos().size(), totalFrames, windows, dataFingerprint);
        } finally {
            videos.unpersist(false);
        }
    }

    /** Per partition and per set, from the (small) quality table: what a researcher checks first. */
    private static void printSummary(Console log, PreparePlan plan, List<Row> quality, Map<String, Long> frames,
                                     Map<String, Long> videos, long windows) {
        StringBuilder sb = new StringBuilder("summary\n");
        for (Partition p : Partition.values()) {
            sb.append(String.format("  %-6s %4d videos %9d frames%n", p.id(), videos.getOrDefault(p.id(), 0L),
                    frames.getOrDefault(p.id(), 0L)));
        }
        sb.append(String.format("  train windows: %d%n", windows));
        sb.append(String.format("  %-22s %6s %9s %9s %10s %11s%n", "feature set", "width", "frames", "missing", "NaN cells",
                "min cover"));
        for (SetPlan s : plan.sets()) {
            long f = 0;
            long missing = 0;
            long nan = 0;
            double minCover = 1;
            for (Row q : quality) {
                if (q.getString(2).equals(s.tableName())) {
                    f += q.getInt(3);
                    missing += q.getInt(4);
                    nan += q.getLong(5);
                    minCover = Math.min(minCover, q.getDouble(7));
                }
            }
            sb.append(String.format("  %-22s %6d %9d %8.2f%% %10d %10.1f%%%n", s.tableName(), s.width(), f,
                    f == 0 ? 0 : 100.0 * missing / f, nan, 100 * minCover));
        }
        log.info(sb.toString().stripTrailing());
    }

    /** Train-only moments per standardized set, merged across executors; identity for the others. */
    private static Map<String, FeatureStats> fitStats(JavaRDD<PreparedVideo> videos, PreparePlan plan) {
        List<SetPlan> sets = plan.sets();
        FeatureMoments[] zero = new FeatureMoments[sets.size()];
        for (int i = 0; i < zero.length; i++) {
            zero[i] = new FeatureMoments(sets.get(i).standardize() ? sets.get(i).width() : 0);
        }
        FeatureMoments[] moments = videos.filter(v -> v.partition() == Partition.TRAIN)
                .map(v -> {
                    FeatureMoments[] m = new FeatureMoments[sets.size()];
                    for (int i = 0; i < m.length; i++) {
                        SetPlan s = sets.get(i);
                        m[i] = new FeatureMoments(s.standardize() ? s.width() : 0);
                        if (s.standardize()) {
                            m[i].add(v.sets().get(s.name()));
                        }
                    }
                    return m;
                })
                .fold(zero, (a, b) -> {
                    FeatureMoments[] r = new FeatureMoments[a.length];
                    for (int i = 0; i < a.length; i++) {
                        r[i] = new FeatureMoments(a[i].width()).merge(a[i]).merge(b[i]);
                    }
                    return r;
                });
        Map<String, FeatureStats> out = new LinkedHashMap<>();
        for (int i = 0; i < sets.size(); i++) {
            SetPlan s = sets.get(i);
            out.put(s.name(), s.standardize() ? FeatureStats.fit(moments[i]) : FeatureStats.identity(s.width()));
        }
        return out;
    }

    private static void save(SparkSession spark, JavaRDD<Row> rows, StructType schema, String path, boolean byPartition) {
        save(spark.createDataFrame(rows, schema), path, byPartition);
    }

    private static Column[] columns(String... names) {
        Column[] c = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            c[i] = functions.col(names[i]);
        }
        return c;
    }

    private static void save(Dataset<?> data, String path, boolean byPartition) {
        // Continuous features never fit a dictionary: trying one first costs time for nothing.
        var writer = data.write().mode(SaveMode.ErrorIfExists).option("parquet.enable.dictionary", "false");
        if (byPartition) {
            writer = writer.partitionBy("partition");
        }
        writer.parquet(path);
    }

    private static String describe(List<SetPlan> sets) {
        List<String> parts = new ArrayList<>();
        for (SetPlan s : sets) {
            parts.add(s.name() + " (" + s.width() + " cols, " + s.mode().id() + (s.standardize() ? ", z-score" : "") + ")");
        }
        return String.join(", ", parts);
    }
}
