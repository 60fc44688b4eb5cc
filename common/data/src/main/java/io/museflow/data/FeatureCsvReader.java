package io.museflow.data;

import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a MuSe feature file ({@code timestamp, segment_id, f1 … fn}). Meta columns are found by
 * name; every other column is a feature. Empty and NaN cells are kept as NaN (a real quirk of the
 * data); non-numeric or infinite values, ragged rows and non-increasing timestamps are errors.
 */
public final class FeatureCsvReader {
    /** Columns that are not features. */
    public static final Set<String> META_COLUMNS = Set.of("timestamp", "segment_id");

    private FeatureCsvReader() {
    }

    public static FeatureSeries read(Reader reader, String source) {
        try (CsvLines csv = new CsvLines(reader, source)) {
            String[] header = csv.header();
            int tsCol = csv.requireColumn("timestamp");
            int segCol = csv.column("segment_id");
            int[] featureCols = featureColumns(header);
            if (featureCols.length == 0) {
                throw new InputDataException(source + ":1: no feature columns besides "
                        + META_COLUMNS + " (header: " + String.join(",", header) + ")");
            }
            String[] names = new String[featureCols.length];
            for (int i = 0; i < featureCols.length; i++) {
                names[i] = header[featureCols[i]];
            }
            int width = featureCols.length;
            Timestamps ts = new Timestamps();
            LongList segments = new LongList();
            FloatList values = new FloatList(1024 * width);
            int[] bounds = new int[2 * header.length];
            long nanCells = 0;
            String line;
            while ((line = csv.next()) != null) {
                csv.split(line, bounds);
                ts.add(csv, line, bounds, tsCol);
                if (segCol >= 0) {
                    segments.add(csv.segmentId(line, bounds, segCol));
                }
                for (int c : featureCols) {
                    double v = csv.number(line, bounds[2 * c], bounds[2 * c + 1], c);
                    if (Double.isNaN(v)) {
                        nanCells++;
                    }
                    values.add((float) v);
                }
            }
            if (ts.size() == 0) {
                throw new InputDataException(source + ": header only, no data rows");
            }
            return new FeatureSeries(source, names, ts.toArray(), segments.toIntsOrMissing(ts.size()), values.toArray(),
                    nanCells);
        }
    }

    /** The feature column names of a header, meta columns removed (used to check widths early). */
    public static String[] featureNames(String headerLine) {
        String[] header = headerLine.split(",", -1);
        List<String> names = new ArrayList<>();
        for (int c : featureColumns(header)) {
            names.add(header[c].trim());
        }
        return names.toArray(String[]::new);
    }

    private static int[] featureColumns(String[] header) {
        List<Integer> cols = new ArrayList<>();
        for (int i = 0; i < header.length; i++) {
            String n = header[i].trim().replace("\"", "");
            if (!META_COLUMNS.contains(n.toLowerCase())) {
                cols.add(i);
            }
        }
        return cols.stream().mapToInt(Integer::intValue).toArray();
    }
}
