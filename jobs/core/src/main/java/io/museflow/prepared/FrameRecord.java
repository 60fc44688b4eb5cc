package io.museflow.prepared;

import java.io.Serializable;

/**
 * A row of {@code features/<set>}. A bean rather than a {@code Row}: Spark's bean encoder copies a
 * primitive {@code float[]} straight into its binary array format, where a generic Row boxes every
 * float (measured: the difference dominates prepare's run time on wide sets; see BENCHMARKS.md).
 */
public final class FrameRecord implements Serializable {
    private String video;
    private String partition;
    private int frame;
    private long timestamp;
    private float[] values;
    private boolean valid;

    public FrameRecord() {
    }

    FrameRecord(String video, String partition, int frame, long timestamp, float[] values, boolean valid) {
        this.video = video;
        this.partition = partition;
        this.frame = frame;
        this.timestamp = timestamp;
        this.values = values;
        this.valid = valid;
    }

    /** Column order of the table (the bean encoder orders fields by name). */
    public static final String[] COLUMNS = io.museflow.table.PreparedSchema.FEATURES.names().toArray(new String[0]);

    public String getVideo() {
        return video;
    }

    public void setVideo(String video) {
        this.video = video;
    }

    public String getPartition() {
        return partition;
    }

    public void setPartition(String partition) {
        this.partition = partition;
    }

    public int getFrame() {
        return frame;
    }

    public void setFrame(int frame) {
        this.frame = frame;
    }

    public long getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    public float[] getValues() {
        return values;
    }

    public void setValues(float[] values) {
        this.values = values;
    }

    public boolean isValid() {
        return valid;
    }

    public void setValid(boolean valid) {
        this.valid = valid;
    }
}
