package io.museflow.prepare;

import io.museflow.data.Partition;

import java.io.Serializable;
import java.util.Map;

/**
 * The files of one video.
 *
 * @param arousalFile null when the video has no label files (allowed for test only)
 * @param featureFiles feature set name → relative path
 */
public record VideoPlan(String video, Partition partition, String arousalFile, String valenceFile,
                        Map<String, String> featureFiles) implements Serializable {
    public boolean labelled() {
        return arousalFile != null;
    }
}
