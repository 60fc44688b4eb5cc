package io.museflow.config;

import io.museflow.data.AlignmentMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {
    @Test
    void defaultsComeFromReferenceConf() {
        PrepareConfig c = PrepareConfig.load(List.of());
        assertEquals(200, c.windowSize());
        assertEquals(100, c.windowHop());
        assertNull(c.layout());
        assertTrue(c.standardizeDefault());
    }

    @Test
    void fileThenArgumentsOverride(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.conf");
        Files.writeString(f, "museflow.prepare { window { size = 300, hop = 50 }, alignment.sets { lld = window-mean }"
                + ", standardize.sets { bert = false } }");
        PrepareConfig c = PrepareConfig.load(List.of("--config", f.toString(), "window.hop=25", "layout=muse2021"));
        assertEquals(300, c.windowSize());
        assertEquals(25, c.windowHop());
        assertEquals(MuseLayout.MUSE2021, c.layout());
        assertEquals(AlignmentMode.WINDOW_MEAN, c.alignmentSets().get("lld"));
        assertTrue(!c.standardize("bert") && c.standardize("egemaps"));
    }

    @Test
    void unknownKeysAreErrorsNamingTheKey() {
        String m = assertThrows(ConfigError.class, () -> PrepareConfig.load(List.of("windw.size=3"))).getMessage();
        assertEquals("unknown configuration key(s): museflow.prepare.windw.size", m);
    }

    @Test
    void badValuesNameTheKey() {
        String m = assertThrows(ConfigError.class, () -> PrepareConfig.load(List.of("window.size=hundred"))).getMessage();
        assertTrue(m.startsWith("museflow.prepare.window.size: "), m);
        m = assertThrows(ConfigError.class, () -> PrepareConfig.load(List.of("on-missing=ignore"))).getMessage();
        assertEquals("museflow.prepare.on-missing: 'ignore' is not one of fail, skip", m);
        m = assertThrows(ConfigError.class, () -> PrepareConfig.load(List.of("window.hop=300"))).getMessage();
        assertTrue(m.startsWith("museflow.prepare.window.hop: 300 is larger than window.size 200"), m);
        m = assertThrows(ConfigError.class, () -> PrepareConfig.load(List.of("alignment.sets.lld=average"))).getMessage();
        assertEquals("museflow.prepare.alignment.sets.lld: 'average' is not one of join, window-mean", m);
        m = assertThrows(ConfigError.class, () -> PrepareConfig.load(List.of("--config", "/nonexistent.conf"))).getMessage();
        assertEquals("config file /nonexistent.conf does not exist", m);
    }
}
