package io.museflow.synth.spark;

import io.museflow.job.Console;
import io.museflow.job.Jobs;
import io.museflow.store.OutputDir;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.museflow.config.Settings;
import io.museflow.synth.GeneratorConfig;
import io.museflow.synth.SyntheticMuse;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code spark-submit --class io.museflow.synth.spark.GenerateJob jobs/prepare.jar [--config FILE] [key=value …]}:
 * writes a seeded synthetic MuSe package (keys of {@code museflow.generate}), one task per video,
 * into a temporary folder that is moved into place when complete.
 */
public final class GenerateJob {
    private GenerateJob() {
    }

    public static void main(String[] args) throws Exception {
        Jobs.main("generate", """
                usage: spark-submit --class io.museflow.synth.spark.GenerateJob jobs/prepare.jar [--config FILE] [key=value ...]
                  Keys are those of museflow.generate in reference.conf (output, layout, seed, videos,
                  minutes.min/max, test-labels, feature-sets).""", args, a -> {
            Settings settings = Settings.load(GeneratorConfig.SECTION, a);
            GeneratorConfig cfg = GeneratorConfig.from(settings);
            return spark -> run(spark, cfg, settings.render());
        });
    }

    public static String run(SparkSession spark, GeneratorConfig cfg, String rendered) throws Exception {
        Console log = new Console("generate");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String runKey = OutputDir.sha256(List.of(rendered.replaceAll("\"(output|overwrite)\"\\s*:\\s*(\"[^\"]*\"|true|false)", "")));
        OutputDir out = new OutputDir(cfg.output(), "generate", sc.hadoopConfiguration());
        if (out.check(runKey, cfg.overwrite(), GeneratorConfig.SECTION + ".overwrite") == OutputDir.State.SAME_RUN) {
            log.info(out.targetUri() + " already holds this synthetic package; nothing to do");
            return out.targetUri();
        }
        SyntheticMuse muse = new SyntheticMuse(cfg);
        String tmp = out.tempUri();
        log.info(String.format("writing %d %s videos of %.1f-%.1f min (seed %d) to %s", cfg.videos(), cfg.layout().id(),
                cfg.minMinutes(), cfg.maxMinutes(), cfg.seed(), out.targetUri()));
        SerializableConfiguration conf = new SerializableConfiguration(sc.hadoopConfiguration());
        try {
            muse.writePartitionFile(sink(tmp, conf.value()));
            int slices = Math.max(1, Math.min(cfg.videos(), sc.defaultParallelism() * 4));
            long frames = sc.parallelize(muse.videoIndices(), slices)
                    .map(i -> (long) muse.writeVideo(i, sink(tmp, conf.value())))
                    .reduce(Long::sum);
            ObjectNode m = out.newManifest(runKey);
            m.put("input", "seed " + cfg.seed());
            m.put("label_frames", frames);
            m.put("config", rendered);
            out.commit(m);
            log.info("done: " + frames + " label frames in " + String.format("%.1f", log.elapsedSeconds()) + " s");
            return out.targetUri();
        } catch (Throwable t) {
            out.abort();
            throw t;
        }
    }

    private static io.museflow.synth.FileSink sink(String root, Configuration conf) {
        return relative -> {
            Path p = new Path(root, relative);
            FileSystem fs = p.getFileSystem(conf);
            fs.setWriteChecksum(false); // no .crc side files: the package must look like a real one
            return new java.io.BufferedWriter(new OutputStreamWriter(fs.create(p, true), StandardCharsets.UTF_8), 1 << 16);
        };
    }
}
