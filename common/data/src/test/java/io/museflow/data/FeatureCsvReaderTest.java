package io.museflow.data;

import org.junit.jupiter.api.Test;

import java.io.StringReader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureCsvReaderTest {
    private static FeatureSeries read(String csv) {
        return FeatureCsvReader.read(new StringReader(csv), "egemaps/7.csv");
    }

    private static String error(String csv) {
        return assertThrows(InputDataException.class, () -> read(csv)).getMessage();
    }

    @Test
    void readsMetaColumnsByNameAndKeepsMissingCellsAsNaN() {
        FeatureSeries s = read("timestamp,segment_id,f1,f2\n0,1,1.5,-2\n250,1,,nan\n500,2,3e-2,4.25\n");
        assertArrayEquals(new String[]{"f1", "f2"}, s.names());
        assertArrayEquals(new long[]{0, 250, 500}, s.timestampsMs());
        assertArrayEquals(new int[]{1, 1, 2}, s.segmentIds());
        assertArrayEquals(new float[]{1.5f, -2f, Float.NaN, Float.NaN, 0.03f, 4.25f}, s.values());
        assertEquals(2, s.nanCells());
    }

    @Test
    void columnOrderDoesNotMatterAndSegmentIdIsOptional() {
        FeatureSeries s = read("f1,timestamp\n7,10\n8,20\n");
        assertArrayEquals(new long[]{10, 20}, s.timestampsMs());
        assertArrayEquals(new float[]{7, 8}, s.values());
        assertArrayEquals(new int[]{-1, -1}, s.segmentIds());
    }

    @Test
    void parsesLikeTheJdk() {
        String[] cells = {"0.1", "-123.456789", "1e-7", "3.4028235E38", "12345678901234567890", "0.000012345", "+5", "7."};
        StringBuilder csv = new StringBuilder("timestamp");
        for (int i = 0; i < cells.length; i++) {
            csv.append(",c").append(i);
        }
        csv.append("\n0,").append(String.join(",", cells)).append('\n');
        FeatureSeries s = read(csv.toString());
        for (int i = 0; i < cells.length; i++) {
            assertEquals((float) Double.parseDouble(cells[i]), s.values()[i], cells[i]);
        }
    }

    @Test
    void emptyFile() {
        assertTrue(error("").contains("egemaps/7.csv: file is empty"));
    }

    @Test
    void headerOnly() {
        assertTrue(error("timestamp,f1\n").contains("egemaps/7.csv: header only, no data rows"));
    }

    @Test
    void missingTimestampColumn() {
        assertTrue(error("time,f1\n0,1\n").contains("egemaps/7.csv:1: missing required column 'timestamp'"));
    }

    @Test
    void noFeatureColumns() {
        assertTrue(error("timestamp,segment_id\n0,1\n").contains("no feature columns"));
    }

    @Test
    void wrongNumberOfFields() {
        assertEquals("egemaps/7.csv:3: expected 3 fields as in the header, found 4",
                error("timestamp,f1,f2\n0,1,2\n250,1,2,3\n"));
        assertEquals("egemaps/7.csv:2: expected 3 fields as in the header, found 2", error("timestamp,f1,f2\n0,1\n"));
    }

    @Test
    void nonNumericValue() {
        assertEquals("egemaps/7.csv:3: column 'f2': 'abc' is not a number", error("timestamp,f1,f2\n0,1,2\n250,1,abc\n"));
    }

    @Test
    void infiniteValue() {
        assertEquals("egemaps/7.csv:2: column 'f1': infinite value 'Infinity'", error("timestamp,f1\n0,Infinity\n"));
        assertEquals("egemaps/7.csv:2: column 'f1': infinite value '1e999'", error("timestamp,f1\n0,1e999\n"));
        assertEquals("egemaps/7.csv:2: column 'f1': infinite value '-inf'", error("timestamp,f1\n0,-inf\n"));
    }

    @Test
    void duplicatedTimestamp() {
        assertEquals("egemaps/7.csv:3: duplicated timestamp 250", error("timestamp,f1\n250,1\n250,2\n"));
    }

    @Test
    void decreasingTimestamp() {
        assertTrue(error("timestamp,f1\n500,1\n250,2\n").startsWith("egemaps/7.csv:3: timestamp 250 is smaller than the previous one (500)"));
    }

    @Test
    void emptyTimestamp() {
        assertEquals("egemaps/7.csv:2: timestamp is empty or NaN", error("timestamp,f1\n,1\n"));
    }
}
