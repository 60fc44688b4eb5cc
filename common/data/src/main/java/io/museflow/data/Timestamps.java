package io.museflow.data;

/**
 * The timestamp column of a MuSe CSV as it is read: whole milliseconds, strictly increasing.
 * Shared by the label and feature readers so that both reject the same things the same way.
 */
final class Timestamps {
    private final LongList values = new LongList();
    private long previous;

    /** Parses and checks the timestamp cell of the current line. */
    void add(CsvLines csv, String line, int[] bounds, int column) {
        double value = csv.number(line, bounds[2 * column], bounds[2 * column + 1], column);
        if (Double.isNaN(value)) {
            throw InputDataException.at(csv.source(), csv.lineNo(), "timestamp is empty or NaN");
        }
        long ms = Math.round(value);
        if (Math.abs(value - ms) > 1e-3) {
            throw InputDataException.at(csv.source(), csv.lineNo(), "timestamp " + value
                    + " is not a whole number of milliseconds");
        }
        if (values.size() > 0) {
            if (ms == previous) {
                throw InputDataException.at(csv.source(), csv.lineNo(), "duplicated timestamp " + ms);
            }
            if (ms < previous) {
                throw InputDataException.at(csv.source(), csv.lineNo(), "timestamp " + ms
                        + " is smaller than the previous one (" + previous + "): timestamps must increase");
            }
        }
        previous = ms;
        values.add(ms);
    }

    int size() {
        return values.size();
    }

    long[] toArray() {
        return values.toArray();
    }
}
