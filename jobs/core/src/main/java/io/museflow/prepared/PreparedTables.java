package io.museflow.prepared;

import io.museflow.data.AlignedFeatures;
import io.museflow.data.FeatureStats;
import io.museflow.data.LabelTimeline;
import io.museflow.prepare.PreparedVideo;
import io.museflow.prepare.SetPlan;
import io.museflow.store.TableFormats;
import io.museflow.table.PreparedSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * The Parquet tables of a prepared data set as Spark writes them: their schemas, derived from their
 * one definition ({@link PreparedSchema}, which the reader uses too), and how a prepared video becomes rows.
 * Column names and meanings are documented in README.md ("Prepared data set").
 */
public final class PreparedTables {
    public static final String LABELS = PreparedSchema.LABELS.name();
    public static final String FEATURES = PreparedSchema.FEATURES.name();
    public static final String STATS = PreparedSchema.STATS.name();
    public static final String QUALITY = PreparedSchema.QUALITY.name();

    private PreparedTables() {
    }

    public static final StructType LABELS_SCHEMA = TableFormats.spark(PreparedSchema.LABELS);

    public static final StructType STATS_SCHEMA = TableFormats.spark(PreparedSchema.STATS);

    public static final StructType QUALITY_SCHEMA = TableFormats.spark(PreparedSchema.QUALITY);

    private static Float label(float v) {
        return Float.isNaN(v) ? null : v;
    }

    private static Integer segment(int s) {
        return s < 0 ? null : s;
    }

    public static List<Row> labelRows(PreparedVideo v) {
        LabelTimeline t = v.timeline();
        List<Row> rows = new ArrayList<>(t.frames());
        for (int i = 0; i < t.frames(); i++) {
            rows.add(RowFactory.create(v.video(), v.partition().id(), i, t.timestampsMs()[i], segment(t.segmentIds()[i]),
                    label(t.arousal()[i]), label(t.valence()[i])));
        }
        return rows;
    }

    public static List<FrameRecord> featureRows(PreparedVideo v, SetPlan set, FeatureStats stats) {
        AlignedFeatures a = v.sets().get(set.name());
        float[] std = stats.apply(a);
        int d = a.width();
        List<FrameRecord> rows = new ArrayList<>(a.frames());
        long[] ts = v.timeline().timestampsMs();
        for (int i = 0; i < a.frames(); i++) {
            float[] frame = new float[d];
            System.arraycopy(std, i * d, frame, 0, d);
            rows.add(new FrameRecord(v.video(), v.partition().id(), i, ts[i], frame, a.valid()[i]));
        }
        return rows;
    }

    public static List<Row> qualityRows(PreparedVideo v) {
        List<Row> rows = new ArrayList<>();
        int labelled = v.timeline().labelledFrames();
        v.sets().forEach((name, a) -> rows.add(RowFactory.create(v.video(), v.partition().id(), name.replace("/", "__"),
                a.frames(), a.missingFrames(), a.nanCells(), a.unusedRows(), a.coverage(), labelled)));
        return rows;
    }

    public static List<Row> statsRows(SetPlan set, FeatureStats s) {
        List<Row> rows = new ArrayList<>(s.width());
        for (int c = 0; c < s.width(); c++) {
            rows.add(RowFactory.create(set.tableName(), c, set.columns().get(c), s.mean()[c], s.std()[c], s.count()[c],
                    s.standardized()));
        }
        return rows;
    }
}
