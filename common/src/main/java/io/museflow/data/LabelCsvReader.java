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
            LongList ts = new LongList();
            FloatList values = new FloatList(4096);
            FloatList segments = new FloatList(4096);
            long prev = 0;
            String line;
            while ((line = csv.next()) != null) {
                csv.split(line, bounds);
                long t = Timestamps.toMillis(csv, csv.number(line, bounds[2 * tsCol], bounds[2 * tsCol + 1], tsCol));
                Timestamps.requireIncreasing(csv, prev, t, ts.size() == 0);
                prev = t;
                ts.add(t);
                values.add((float) csv.number(line, bounds[2 * valueCol], bounds[2 * valueCol + 1], valueCol));
                if (segCol >= 0) {
                    double s = csv.number(line, bounds[2 * segCol], bounds[2 * segCol + 1], segCol);
                    if (!Double.isNaN(s) && s != Math.rint(s)) {
                        throw InputDataException.at(source, csv.lineNo(), "segment_id " + s + " is not an integer");
                    }
                    segments.add((float) s);
                }
            }
            if (ts.size() == 0) {
                throw new InputDataException(source + ": header only, no data rows");
            }
            int[] seg = new int[ts.size()];
            if (segCol >= 0) {
                float[] s = segments.toArray();
                for (int i = 0; i < seg.length; i++) {
                    seg[i] = Float.isNaN(s[i]) ? -1 : (int) s[i];
                }
            } else {
                java.util.Arrays.fill(seg, -1);
            }
            return new LabelSeries(source, ts.toArray(), values.toArray(), seg);
        }
    }
}
