package io.museflow.results;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialRowTest {
    @Test
    void aValueOfTheWrongTypeFailsWhereItIsSet() {
        TrialRow r = new TrialRow();
        assertEquals("trials.seed is LONG, not Integer 3",
                assertThrows(IllegalArgumentException.class, () -> r.set("seed", 3)).getMessage());
        assertEquals("table trials has no column devel_ccc_dominance",
                assertThrows(IllegalArgumentException.class, () -> r.set("devel_ccc_dominance", 0.5)).getMessage());
        r.set("devel_ccc", Double.NaN);
        assertTrue(r.develCcc().isEmpty(), "NaN is an empty cell");
    }

    @Test
    void aRowReadBackIsTheRowWritten(@TempDir java.nio.file.Path dir) throws Exception {
        TrialRow row = new TrialRow().set("trial_id", "0123456789abcdef").set("name", "egemaps>arousal")
                .set("feature_sets", "egemaps").set("seed", 7L).set("hidden", 64).set("bidirectional", true);
        TrialsTable.failed(row, new IllegalStateException("diverged"));
        Path file = new Path(dir.resolve("t.parquet").toString());
        assertTrue(TrialsTable.write(file, new Configuration(), row));
        assertFalse(TrialsTable.write(file, new Configuration(), row), "committed once");
        TrialRow back = TrialsTable.read(file, new Configuration());
        assertEquals(TrialStatus.FAILED, back.status());
        assertEquals("IllegalStateException: diverged", back.error());
        assertEquals("egemaps", back.featureSets());
        assertTrue(back.develCcc().isEmpty());
        for (String column : List.of("trial_id", "name", "seed", "hidden", "bidirectional", "status", "error")) {
            assertEquals(row.values().get(column), back.values().get(column), column);
        }
    }
}
