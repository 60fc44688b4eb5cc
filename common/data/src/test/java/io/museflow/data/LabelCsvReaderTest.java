package io.museflow.data;

import org.junit.jupiter.api.Test;

import java.io.StringReader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelCsvReaderTest {
    private static LabelSeries read(String csv, String name) {
        return LabelCsvReader.read(new StringReader(csv), name);
    }

    @Test
    void bothYearsColumnOrdersGiveTheSameSeries() {
        LabelSeries y2020 = read("timestamp,value,segment_id\n0,0.5,1\n250,-0.25,2\n", "a.csv");
        LabelSeries y2021 = read("timestamp,segment_id,value\n0,1,0.5\n250,2,-0.25\n", "b.csv");
        assertArrayEquals(y2020.timestampsMs(), y2021.timestampsMs());
        assertArrayEquals(y2020.values(), y2021.values());
        assertArrayEquals(new int[]{1, 2}, y2021.segmentIds());
    }

    @Test
    void maskedLabelsAreNaN() {
        LabelSeries s = read("timestamp,value\n0,\n250,0.1\n", "a.csv");
        assertTrue(Float.isNaN(s.values()[0]));
        assertArrayEquals(new int[]{-1, -1}, s.segmentIds());
    }

    @Test
    void missingValueColumnNamesTheFile() {
        String m = assertThrows(InputDataException.class, () -> read("timestamp,score\n0,1\n", "arousal/3.csv")).getMessage();
        assertTrue(m.startsWith("arousal/3.csv:1: missing required column 'value'"), m);
    }

    @Test
    void segmentIdMustBeANonNegativeInteger() {
        String m = assertThrows(InputDataException.class, () -> read("timestamp,value,segment_id\n0,0.1,1.5\n", "a.csv"))
                .getMessage();
        assertEquals("a.csv:2: column 'segment_id': 1.5 is not a non-negative integer", m);
    }

    @Test
    void timelineRequiresMatchingTimestamps() {
        LabelSeries a = read("timestamp,value\n0,0.1\n250,0.2\n", "arousal/3.csv");
        LabelSeries v = read("timestamp,value\n0,0.1\n500,0.2\n", "valence/3.csv");
        String m = assertThrows(InputDataException.class, () -> LabelTimeline.of("3", a, v)).getMessage();
        assertEquals("video 3: label timestamps of arousal/3.csv and valence/3.csv differ (row 2: 250 vs 500)", m);
    }

    @Test
    void partitionTableToleratesDuplicatesButNotConflicts() {
        PartitionTable t = PartitionTable.read(new StringReader("Id,Proposal\n1,train\n1,train\n2,devel\n3,Test\n"), "p.csv");
        assertEquals(1, t.duplicatedRows());
        assertEquals(Partition.TEST, t.byVideo().get("3"));
        String m = assertThrows(InputDataException.class, () ->
                PartitionTable.read(new StringReader("Id,Proposal\n1,train\n1,devel\n"), "p.csv")).getMessage();
        assertEquals("p.csv:3: video 1 is listed as devel here and as train at line 2", m);
        m = assertThrows(InputDataException.class, () ->
                PartitionTable.read(new StringReader("Id,Proposal\n1,holdout\n"), "p.csv")).getMessage();
        assertEquals("p.csv:2: Proposal 'holdout' is not one of train, devel, test", m);
    }
}
