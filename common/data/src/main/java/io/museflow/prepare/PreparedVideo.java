package io.museflow.prepare;

import io.museflow.data.AlignedFeatures;
import io.museflow.data.LabelTimeline;
import io.museflow.data.Partition;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One video after alignment, before standardization.
 *
 * @param sets      feature set name → aligned values at the label timestamps
 * @param checksums "relative path, CRC32C, bytes" of every file read: the data fingerprint's input
 */
public record PreparedVideo(String video, Partition partition, LabelTimeline timeline, Map<String, AlignedFeatures> sets,
                            List<String> checksums) implements Serializable {
}
