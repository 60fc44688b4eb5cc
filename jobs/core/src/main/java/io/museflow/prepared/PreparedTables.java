package io.museflow.prepared;

import io.museflow.data.AlignedFeatures;
import io.museflow.data.FeatureStats;
import io.museflow.data.LabelTimeline;
import io.museflow.data.Window;
import io.museflow.prepare.PreparedVideo;
import io.museflow.prepare.SetPlan;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * The Parquet tables of a prepared data set: their schemas and how a prepared video becomes rows.
 * Column names and meanings are documented in README.md ("Prepared data set").
 */
public final class PreparedTables {
    public static final String LABELS = "labels";
    public static final String FEATURES = "features";
    public static final String WINDOWS = "windows";
    public static final String WINDOW_FEATURES = "window_features";
    public static final String STATS = "stats";
    public static final String QUALITY = "quality";

    private PreparedTables() {
    }

    private static StructField f(String name, DataType t, boolean nullable) {
        return DataTypes.createStructField(name, t, nullable);
    }

    private static DataType floats() {
        return DataTypes.createArrayType(DataTypes.FloatType, false);
    }

    public static final StructType LABELS_SCHEMA = DataTypes.createStructType(List.of(
            f("video", DataTypes.StringType, false), f("partition", DataTypes.StringType, false),
            f("frame", DataTypes.IntegerType, false), f("timestamp", DataTypes.LongType, false),
            f("segment_id", DataTypes.IntegerType, true),
            f("arousal", DataTypes.FloatType, true), f("valence", DataTypes.FloatType, true)));

    public static final StructType WINDOWS_SCHEMA = DataTypes.createStructType(List.of(
            f("video", DataTypes.StringType, false), f("window", DataTypes.IntegerType, false),
            f("start_frame", DataTypes.IntegerType, false), f("length", DataTypes.IntegerType, false),
            f("timestamp", DataTypes.createArrayType(DataTypes.LongType, false), false),
            f("segment_id", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
            f("arousal", floats(), false), f("valence", floats(), false),
            f("mask", DataTypes.createArrayType(DataTypes.BooleanType, false), false)));

    public static final StructType STATS_SCHEMA = DataTypes.createStructType(List.of(
            f("feature_set", DataTypes.StringType, false), f("column", DataTypes.IntegerType, false),
            f("name", DataTypes.StringType, false), f("mean", DataTypes.FloatType, false),
            f("std", DataTypes.FloatType, false), f("count", DataTypes.LongType, false),
            f("standardized", DataTypes.BooleanType, false)));

    public static final StructType QUALITY_SCHEMA = DataTypes.createStructType(List.of(
            f("video", DataTypes.StringType, false), f("partition", DataTypes.StringType, false),
            f("feature_set", DataTypes.StringType, false), f("frames", DataTypes.IntegerType, false),
            f("missing_frames", DataTypes.IntegerType, false), f("nan_cells", DataTypes.LongType, false),
            f("unused_rows", DataTypes.IntegerType, false), f("coverage", DataTypes.DoubleType, false),
            f("labelled_frames", DataTypes.IntegerType, false)));

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

    public static List<Row> windowRows(PreparedVideo v, List<Window> windows, int size) {
        LabelTimeline t = v.timeline();
        List<Row> rows = new ArrayList<>(windows.size());
        for (Window w : windows) {
            long[] ts = new long[size];
            int[] seg = new int[size];
            float[] ar = new float[size];
            float[] va = new float[size];
            boolean[] mask = new boolean[size];
            for (int k = 0; k < w.length(); k++) {
                int i = w.start() + k;
                ts[k] = t.timestampsMs()[i];
                seg[k] = t.segmentIds()[i];
                ar[k] = t.arousal()[i];
                va[k] = t.valence()[i];
                mask[k] = true;
            }
            rows.add(RowFactory.create(v.video(), w.index(), w.start(), w.length(), ts, seg, ar, va, mask));
        }
        return rows;
    }

    public static List<WindowFeaturesRecord> windowFeatureRows(PreparedVideo v, SetPlan set, FeatureStats stats,
                                                        List<Window> windows, int size) {
        AlignedFeatures a = v.sets().get(set.name());
        float[] std = stats.apply(a);
        int d = a.width();
        List<WindowFeaturesRecord> rows = new ArrayList<>(windows.size());
        for (Window w : windows) {
            float[] values = new float[size * d];
            boolean[] valid = new boolean[size];
            System.arraycopy(std, w.start() * d, values, 0, w.length() * d);
            System.arraycopy(a.valid(), w.start(), valid, 0, w.length());
            rows.add(new WindowFeaturesRecord(v.video(), w.index(), values, valid));
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
