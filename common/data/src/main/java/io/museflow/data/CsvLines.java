package io.museflow.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal reader for the MuSe CSVs: comma separated, a header line, numeric cells, no quoting
 * inside values (header names may be quoted). Kept tiny on purpose: it is the hot loop of prepare.
 */
final class CsvLines implements AutoCloseable {
    private final BufferedReader in;
    private final String source;
    private long lineNo;
    private final String[] header;

    CsvLines(Reader reader, String source) {
        this.in = reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
        this.source = source;
        String first = next();
        if (first == null) {
            throw new InputDataException(source + ": file is empty (expected a header line)");
        }
        if (!first.isEmpty() && first.charAt(0) == '\uFEFF') {
            first = first.substring(1);
        }
        List<String> names = new ArrayList<>();
        for (String name : first.split(",", -1)) {
            String n = name.trim();
            if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
                n = n.substring(1, n.length() - 1);
            }
            names.add(n);
        }
        this.header = names.toArray(String[]::new);
    }

    String source() {
        return source;
    }

    String[] header() {
        return header.clone();
    }

    long lineNo() {
        return lineNo;
    }

    /** Index of a header column, or -1. */
    int column(String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    int requireColumn(String name) {
        int c = column(name);
        if (c < 0) {
            throw new InputDataException(source + ":1: missing required column '" + name + "' (header: "
                    + String.join(",", header) + ")");
        }
        return c;
    }

    /** The next non-blank line, or null at the end. */
    String next() {
        try {
            String line;
            do {
                line = in.readLine();
                lineNo++;
            } while (line != null && line.isBlank());
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": read failed at line " + lineNo, e);
        }
    }

    /**
     * Splits a data line into exactly {@code header.length} fields (start/end offsets), failing with
     * the line number when the count differs.
     */
    int[] split(String line, int[] bounds) {
        int n = header.length;
        int field = 0;
        int start = 0;
        int len = line.length();
        for (int i = 0; i <= len; i++) {
            if (i == len || line.charAt(i) == ',') {
                if (field >= n) {
                    throw InputDataException.at(source, lineNo, "expected " + n + " fields as in the header, found "
                            + (countCommas(line) + 1));
                }
                bounds[2 * field] = start;
                bounds[2 * field + 1] = i;
                field++;
                start = i + 1;
            }
        }
        if (field != n) {
            throw InputDataException.at(source, lineNo, "expected " + n + " fields as in the header, found " + field);
        }
        return bounds;
    }

    private static int countCommas(String line) {
        int c = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == ',') {
                c++;
            }
        }
        return c;
    }

    /**
     * Parses one numeric cell. Empty cells and NaN spellings are missing values (NaN); anything
     * non-numeric or infinite is an error naming the line and column.
     */
    double number(String line, int from, int to, int column) {
        while (from < to && line.charAt(from) == ' ') {
            from++;
        }
        while (to > from && line.charAt(to - 1) == ' ') {
            to--;
        }
        if (from == to) {
            return Double.NaN;
        }
        double v = FastNumbers.parse(line, from, to);
        if (Double.isNaN(v)) {
            String cell = line.substring(from, to);
            if (cell.equalsIgnoreCase("nan") || cell.equalsIgnoreCase("-nan")) {
                return Double.NaN;
            }
            if (cell.matches("(?i)[+-]?inf(inity)?")) {
                throw InputDataException.at(source, lineNo, "column '" + header[column] + "': infinite value '" + cell + "'");
            }
            try {
                v = Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                throw InputDataException.at(source, lineNo, "column '" + header[column] + "': '" + abbreviate(cell)
                        + "' is not a number");
            }
        }
        if (Double.isInfinite(v)) {
            throw InputDataException.at(source, lineNo, "column '" + header[column] + "': infinite value '"
                    + abbreviate(line.substring(from, to)) + "'");
        }
        return v;
    }

    /** A segment id cell: an integer, or -1 where empty or NaN. */
    int segmentId(String line, int[] bounds, int column) {
        double s = number(line, bounds[2 * column], bounds[2 * column + 1], column);
        if (Double.isNaN(s)) {
            return -1;
        }
        if (s != Math.rint(s) || s < 0 || s > Integer.MAX_VALUE) {
            throw InputDataException.at(source, lineNo, "column '" + header[column] + "': " + s
                    + " is not a non-negative integer");
        }
        return (int) s;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": close failed", e);
        }
    }
}
