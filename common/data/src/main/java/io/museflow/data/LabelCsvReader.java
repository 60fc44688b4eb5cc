package io.museflow.data;

import java.io.Reader;

/** Reads a MuSe label file by column name, so that both years' column orders work. */
public final class LabelCsvReader {
    private LabelCsvReader() {
    }

    public static LabelSeries read(Reader reader, String source) {
        try (CsvLines csv = new CsvLines(reader, source)) {
            int tsCol = csv.requireColumn("timestamp");
            int valueCol = csv.requireColumn("value");
            int segCol = csv.column("segment_id");
            int[] bounds = new int[2 * csv.header().length];
            Timestamps ts = new Timestamps();
            FloatList values = new FloatList(4096);
            LongList segments = new LongList();
            String line;
            while ((line = csv.next()) != null) {
                csv.split(line, bounds);
                ts.add(csv, line, bounds, tsCol);
                values.add((float) csv.number(line, bounds[2 * valueCol], bounds[2 * valueCol + 1], valueCol));
                if (segCol >= 0) {
                    segments.add(csv.segmentId(line, bounds, segCol));
                }
            }
            if (ts.size() == 0) {
                throw new InputDataException(source + ": header only, no data rows");
            }
            return new LabelSeries(source, ts.toArray(), values.toArray(), segments.toIntsOrMissing(ts.size()));
        }
    }
}
