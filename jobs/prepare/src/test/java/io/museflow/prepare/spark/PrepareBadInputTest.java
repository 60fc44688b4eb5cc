package io.museflow.prepare.spark;

import io.museflow.job.JobFailure;
import io.museflow.config.PrepareConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Each bad input must stop prepare with a message naming the file (and line or video) and what is
 * wrong, and leave neither the output nor a temporary folder behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrepareBadInputTest {
    Path pristine;
    Path work;
    Path pkg;
    Path out;
    int run;

    @BeforeAll
    void generate(@TempDir Path tmp) throws Exception {
        pristine = TestPackages.generate(tmp.resolve("pristine"), "muse2020");
        work = tmp;
    }

    @BeforeEach
    void freshCopy() throws IOException {
        run++;
        pkg = TestPackages.copy(pristine, work.resolve("pkg" + run));
        out = work.resolve("out" + run).resolve("prepared");
    }

    private PrepareJob.Result prepare(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("input=" + pkg, "output=" + out));
        a.addAll(List.of(args));
        return PrepareJob.run(SparkTestSession.get(), PrepareConfig.load(a));
    }

    /** Runs prepare expecting bad input; returns the user-facing message after checking nothing was left. */
    private String failure(String... args) throws IOException {
        try {
            prepare(args);
        } catch (Throwable t) {
            String m = JobFailure.userMessage(t);
            assertNotNull(m, () -> "not reported as bad input: " + t);
            assertFalse(Files.exists(out), "no output after a failure");
            assertEquals(List.of(), TestPackages.leftovers(out.getParent()), "no temporary folder after a failure");
            return m;
        }
        return fail("prepare accepted bad input");
    }

    private Path feature(String set, String video) {
        return pkg.resolve("feature_segments/label_aligned/" + set + "/" + video + ".csv");
    }

    private String video(String partition) throws IOException {
        for (String line : Files.readAllLines(pkg.resolve("metadata/partition.csv"))) {
            if (line.endsWith("," + partition)) {
                return line.substring(0, line.indexOf(','));
            }
        }
        throw new AssertionError("no " + partition + " video");
    }

    /** Replaces line {@code n} (1-based, header = 1) of a file. */
    private static void editLine(Path f, int n, java.util.function.UnaryOperator<String> edit) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.set(n - 1, edit.apply(lines.get(n - 1)));
        Files.write(f, lines);
    }

    private static void assertStarts(String expectedPrefix, String actual) {
        assertTrue(actual.startsWith(expectedPrefix), () -> "expected «" + expectedPrefix + "…» but got «" + actual + "»");
    }

    @Test
    void missingInputFolder() throws IOException {
        pkg = work.resolve("does-not-exist");
        assertStarts("input folder " + pkg + " does not exist", failure());
    }

    @Test
    void missingFeatureFolder() throws IOException {
        TestPackages.delete(pkg.resolve("feature_segments"));
        assertStarts(pkg + "/feature_segments: missing (is museflow.prepare.input a MuSe package root?)", failure());
    }

    @Test
    void missingFeatureFileFailsByDefaultAndIsSkippedWhenConfigured() throws Exception {
        String devel = video("devel");
        Files.delete(feature("vggface", devel));
        assertStarts("video " + devel + " (devel in " + pkg + "/metadata/partition.csv): no feature file "
                + feature("vggface", devel), failure());
        PrepareJob.Result r = prepare("on-missing=skip");
        assertEquals(5, r.videos());
        assertEquals(0, SparkTestSession.get().read().parquet(out.resolve("labels").toString())
                .where("video = '" + devel + "'").count());
    }

    @Test
    void trainIdWithNoLabels() throws Exception {
        String train = video("train");
        Files.delete(pkg.resolve("label_segments/arousal/" + train + ".csv"));
        assertStarts("video " + train + " (train in " + pkg + "/metadata/partition.csv): no label file "
                + pkg + "/label_segments/arousal/" + train + ".csv", failure());
        assertEquals(5, prepare("on-missing=skip").videos());
    }

    @Test
    void emptyCsv() throws IOException {
        Files.writeString(feature("bert", "2"), "");
        assertStarts(feature("bert", "2") + ": file is empty", failure());
    }

    @Test
    void headerOnlyCsv() throws IOException {
        Path f = feature("egemaps", "3");
        Files.writeString(f, Files.readAllLines(f).get(0) + "\n");
        assertEquals(f + ": header only, no data rows", failure());
    }

    @Test
    void missingRequiredColumn() throws IOException {
        Path f = pkg.resolve("label_segments/valence/" + video("train") + ".csv");
        editLine(f, 1, h -> h.replace("value", "rating"));
        assertStarts(f + ":1: missing required column 'value'", failure());
    }

    @Test
    void rowWithWrongNumberOfFields() throws IOException {
        Path f = feature("egemaps", "1");
        editLine(f, 5, l -> l + ",0.5");
        assertEquals(f + ":5: expected 7 fields as in the header, found 8", failure());
    }

    @Test
    void nonNumericValue() throws IOException {
        Path f = feature("vggface", video("test"));
        editLine(f, 4, l -> l.substring(0, l.lastIndexOf(',') + 1) + "n/a");
        assertEquals(f + ":4: column 'vggface_3': 'n/a' is not a number", failure());
    }

    @Test
    void infiniteValue() throws IOException {
        Path f = pkg.resolve("feature_segments/unaligned/egemaps_lld/1.csv");
        editLine(f, 9, l -> l.substring(0, l.indexOf(',') + 1) + "-inf" + l.substring(l.indexOf(',', l.indexOf(',') + 1)));
        assertEquals(f + ":9: column 'egemaps_lld_0': infinite value '-inf'", failure());
    }

    @Test
    void duplicatedTimestamp() throws IOException {
        Path f = pkg.resolve("label_segments/arousal/" + video("train") + ".csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.add(6, lines.get(5));
        Files.write(f, lines);
        assertStarts(f + ":7: duplicated timestamp ", failure());
    }

    @Test
    void decreasingTimestamps() throws IOException {
        Path f = feature("bert", "5");
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        String tmp = lines.get(10);
        lines.set(10, lines.get(11));
        lines.set(11, tmp);
        Files.write(f, lines);
        String m = failure();
        assertStarts(f + ":12: timestamp ", m);
        assertTrue(m.contains("timestamps must increase"), m);
    }

    @Test
    void featureSetWidthDiffersBetweenVideos() throws IOException {
        Path f = feature("egemaps", "6");
        List<String> cut = new ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            cut.add(l + ",0");
        }
        cut.set(0, cut.get(0).replace(",0", "") + ",extra");
        Files.write(f, cut);
        assertStarts(f + ":1: feature set 'egemaps' has 6 feature columns in video 6 but 5 in ", failure());
    }

    @Test
    void conflictingPartitionRows() throws IOException {
        Path f = pkg.resolve("metadata/partition.csv");
        Files.writeString(f, Files.readString(f) + video("train") + ",test\n");
        assertTrue(failure().contains("is listed as test here and as train at line"));
    }

    @Test
    void outputHoldingSomethingElseIsNeverTouched() throws Exception {
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        try {
            prepare("overwrite=true");
            fail("prepare wrote into a foreign folder");
        } catch (Exception e) {
            assertStarts("output " + out.toUri().toString().replaceAll("/$", "").replace("file:///", "file:/"),
                    JobFailure.userMessage(e));
            assertTrue(JobFailure.userMessage(e).contains("is not a museflow prepare output; refusing to touch it"));
        }
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
    }
}
