package io.museflow.prepare;

import io.museflow.config.MuseLayout;

import java.io.Serializable;
import java.util.List;

/**
 * Everything the driver learns from metadata alone (listings and header lines) before any data is
 * read: the layout, the sets with their alignment and width, the videos with their files.
 *
 * @param inputListing relative path and size of every input file, sorted; fingerprints the input
 */
public record PreparePlan(MuseLayout layout, long labelPeriodMs, List<SetPlan> sets, List<VideoPlan> videos,
                          List<String> warnings, int duplicatedPartitionRows,
                          List<String> inputListing) implements Serializable {

    public long count(io.museflow.data.Partition p) {
        return videos.stream().filter(v -> v.partition() == p).count();
    }
}
