package io.museflow.results;

import io.museflow.data.Partition;
import io.museflow.data.Target;
import io.museflow.store.ParquetFiles;
import io.museflow.store.TableFormats;
import io.museflow.table.ResultSchema;
import io.museflow.trial.TrialRun;
import io.museflow.learn.train.Sequence;
import io.museflow.learn.train.Trainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The per-trial result files (Parquet, one file per trial and table, committed once): whole-video
 * predictions of every partition in long form (one row per frame and target), and the learning
 * curve. Every row carries the trial id, so a folder of them is one table for Spark or a notebook.
 * Column meanings are documented in README.md ("Sweep results").
 */
public final class ResultTables {
    static final MessageType PREDICTIONS = TableFormats.parquet(ResultSchema.PREDICTIONS);

    static final MessageType EPOCHS = TableFormats.parquet(ResultSchema.EPOCHS);

    private ResultTables() {
    }

    public static boolean writePredictions(Path target, Configuration conf, String trialId, TrialRun run) throws IOException {
        SimpleGroupFactory rows = new SimpleGroupFactory(PREDICTIONS);
        List<Target> targets = run.targets();
        int k = targets.size();
        return ParquetFiles.commit(target, PREDICTIONS, conf, w -> {
            for (Map.Entry<Partition, List<Sequence>> e : run.videos().entrySet()) {
                Map<String, float[]> byVideo = run.predictions().get(e.getKey());
                for (Sequence v : e.getValue()) {
                    float[] p = byVideo.get(v.id());
                    long[] ts = run.timestamps().get(v.id());
                    if (ts == null || ts.length != v.frames()) {
                        throw new IllegalStateException("video " + v.id() + " has " + v.frames() + " frames and "
                                + (ts == null ? "no" : ts.length) + " timestamps");
                    }
                    for (int t = 0; t < v.frames(); t++) {
                        for (int c = 0; c < k; c++) {
                            Group g = rows.newGroup().append(ResultSchema.TRIAL_ID, trialId)
                                    .append(ResultSchema.VIDEO, v.id()).append(ResultSchema.PARTITION, e.getKey().id())
                                    .append(ResultSchema.FRAME, t).append(ResultSchema.TARGET, targets.get(c).key())
                                    .append(ResultSchema.PREDICTION, p[t * k + c])
                                    .append(ResultSchema.TIMESTAMP, ts[t]);
                            float y = v.labels()[t * k + c];
                            if (!Float.isNaN(y)) {
                                g.append(ResultSchema.LABEL, y);
                            }
                            w.write(g);
                        }
                    }
                }
            }
        });
    }

    public static boolean writeEpochs(Path target, Configuration conf, String trialId, List<Target> targets,
                               List<Trainer.Epoch> epochs) throws IOException {
        SimpleGroupFactory rows = new SimpleGroupFactory(EPOCHS);
        return ParquetFiles.commit(target, EPOCHS, conf, w -> {
            for (Trainer.Epoch e : epochs) {
                Group g = rows.newGroup().append("trial_id", trialId).append("epoch", e.epoch())
                        .append("train_loss", e.trainLoss()).append("learning_rate", e.learningRate());
                for (int c = 0; c < targets.size(); c++) {
                    g.append(ResultSchema.develCcc(targets.get(c)), e.develCcc()[c]);
                }
                w.write(g.append("seconds", e.seconds()));
            }
        });
    }
}
