package io.museflow.data;

/** Timestamp checks shared by the label and feature readers. */
final class Timestamps {
    private Timestamps() {
    }

    /** Whole milliseconds; MuSe timestamps are integers in ms. */
    static long toMillis(CsvLines csv, double value) {
        if (Double.isNaN(value)) {
            throw InputDataException.at(csv.source(), csv.lineNo(), "timestamp is empty or NaN");
        }
        long ms = Math.round(value);
        if (Math.abs(value - ms) > 1e-3) {
            throw InputDataException.at(csv.source(), csv.lineNo(), "timestamp " + value
                    + " is not a whole number of milliseconds");
        }
        return ms;
    }

    static void requireIncreasing(CsvLines csv, long previous, long current, boolean first) {
        if (first) {
            return;
        }
        if (current == previous) {
            throw InputDataException.at(csv.source(), csv.lineNo(), "duplicated timestamp " + current);
        }
        if (current < previous) {
            throw InputDataException.at(csv.source(), csv.lineNo(), "timestamp " + current
                    + " is smaller than the previous one (" + previous + "): timestamps must increase");
        }
    }
}
