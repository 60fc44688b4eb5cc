package io.museflow.prepared;

import java.io.Serializable;

/** A row of {@code window_features/<set>}; a bean for the same reason as {@link FrameRecord}. */
public final class WindowFeaturesRecord implements Serializable {
    private String video;
    private int window;
    private float[] values;
    private boolean[] valid;

    public WindowFeaturesRecord() {
    }

    WindowFeaturesRecord(String video, int window, float[] values, boolean[] valid) {
        this.video = video;
        this.window = window;
        this.values = values;
        this.valid = valid;
    }

    public static final String[] COLUMNS = {"video", "window", "values", "valid"};

    public String getVideo() {
        return video;
    }

    public void setVideo(String video) {
        this.video = video;
    }

    public int getWindow() {
        return window;
    }

    public void setWindow(int window) {
        this.window = window;
    }

    public float[] getValues() {
        return values;
    }

    public void setValues(float[] values) {
        this.values = values;
    }

    public boolean[] getValid() {
        return valid;
    }

    public void setValid(boolean[] valid) {
        this.valid = valid;
    }
}
