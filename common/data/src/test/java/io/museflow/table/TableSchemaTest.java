package io.museflow.table;

import io.museflow.data.Target;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableSchemaTest {
    @Test
    void aColumnIsDefinedOnce() {
        String m = assertThrows(IllegalArgumentException.class, () -> new TableSchema("t", List.of(
                Column.required("a", ColumnType.INT), Column.optional("a", ColumnType.STRING)))).getMessage();
        assertEquals("table t defines column a twice", m);
    }

    @Test
    void lookupsByName() {
        assertTrue(ResultSchema.TRIALS.has("devel_ccc_arousal"));
        assertFalse(ResultSchema.TRIALS.has("devel_ccc_dominance"));
        assertEquals(ColumnType.LONG, ResultSchema.TRIALS.column("seed").type());
        assertThrows(IllegalArgumentException.class, () -> PreparedSchema.LABELS.column("values"));
        assertEquals("devel_ccc_valence", ResultSchema.develCcc(Target.VALENCE));
    }

    @Test
    void targetsByKey() {
        assertEquals(Target.AROUSAL, Target.of("arousal"));
        assertEquals("valence", Target.VALENCE.toString());
        String m = assertThrows(IllegalArgumentException.class, () -> Target.of("dominance")).getMessage();
        assertEquals("unknown target 'dominance' (targets: [arousal, valence])", m);
    }
}
