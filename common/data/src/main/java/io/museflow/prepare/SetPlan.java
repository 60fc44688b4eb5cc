package io.museflow.prepare;

import io.museflow.data.AlignmentMode;

import java.io.Serializable;
import java.util.List;

/**
 * How one feature set is prepared.
 *
 * @param name       as in the output ({@code features/<name>}); 2020 native copies of a set that
 *                   also exists label-aligned are named {@code unaligned/<set>}, written as
 *                   {@code unaligned__<set>}
 * @param nativeRate read from the 2020 {@code unaligned/} folder
 * @param columns    feature column names of the first video (all videos must have as many)
 */
public record SetPlan(String name, boolean nativeRate, AlignmentMode mode, boolean standardize,
                      List<String> columns) implements Serializable {
    public int width() {
        return columns.size();
    }

    /** A name usable as a directory and a column: the 2020 {@code unaligned/} prefix becomes {@code unaligned__}. */
    public String tableName() {
        return name.replace("/", "__");
    }
}
