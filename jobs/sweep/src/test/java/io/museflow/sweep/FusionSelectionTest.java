package io.museflow.sweep;

import io.museflow.config.ConfigError;
import io.museflow.config.PrepareConfig;
import io.museflow.prepare.spark.PrepareJob;
import io.museflow.prepare.spark.SparkTestSession;
import io.museflow.prepare.spark.TestPackages;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of {@code fusion.inputs} on one small grid (four feature sets, two hidden sizes, two
 * seeds, arousal and joint arousal+valence trials), each checked against what the trials table
 * says it should have picked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FusionSelectionTest {
    Path prepared;
    Path out;
    Dataset<Row> trials;
    /** Unimodal/early rows: trial id -> row. */
    final Map<String, Row> grid = new LinkedHashMap<>();

    private static final List<String> AXES = List.of("model=[stacked]", "layers=[1]", "cell=[gru]", "hidden=[4, 8]",
            "max-epochs=3", "batch-size=[8]", "learning-rate=[0.01]", "seeds=[1, 2]", "save-models=false",
            "feature-sets=[egemaps, egemaps_lld, vggface, bert]", "targets=[arousal, \"arousal+valence\"]",
            "fusion.max-epochs=8", "fusion.batch-size=8", "fusion.learning-rate=0.01", "fusion.seeds=[1, 2]");

    @BeforeAll
    void sweep(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path pkg = TestPackages.generate(tmp.resolve("pkg"), "muse2020", "videos=8", "minutes.min=0.5", "minutes.max=0.7");
        prepared = tmp.resolve("prepared");
        PrepareJob.run(spark, PrepareConfig.load(List.of("input=" + pkg, "output=" + prepared, "window.size=40",
                "window.hop=20")));
        out = tmp.resolve("sweep");
        SweepJob.run(spark, grid()); // the grid alone first: explicit trial ids come from its rows
        for (Row r : spark.read().parquet(out.resolve("trials").toString()).collectAsList()) {
            grid.put(r.getString(r.fieldIndex("trial_id")), r);
        }
        assertEquals(32, grid.size());
        List<String> egemapsArousal = ids("egemaps", "arousal");
        List<String> bertArousal = ids("bert", "arousal");
        SweepJob.run(spark, grid("fusion.inputs=[{sets = [egemaps, vggface], select = seed-mean}, "
                + "{trials = [" + egemapsArousal.get(0) + ", " + bertArousal.get(0) + "]}, "
                + "{sets = [egemaps, egemaps_lld, vggface], select = top-k, k = 1, "
                + "modalities { audio = [egemaps, egemaps_lld], video = [vggface] }}, "
                + "{sets = [egemaps, egemaps_lld, vggface, bert], select = greedy}]", "fusion.early=[{top = 2}]"));
        trials = spark.read().parquet(out.resolve("trials").toString());
        trials.createOrReplaceTempView("selection_trials");
    }

    private SweepGrid grid(String... extra) {
        List<String> a = new ArrayList<>(List.of("data=" + prepared, "output=" + out));
        a.addAll(AXES);
        a.addAll(List.of(extra));
        return SweepGrid.load(a);
    }

    /** Grid trials of one feature set and targets value, in id order. */
    private List<String> ids(String sets, String targets) {
        return grid.values().stream().filter(r -> r.getString(r.fieldIndex("feature_sets")).equals(sets)
                && r.getString(r.fieldIndex("targets")).equals(targets)).map(r -> r.getString(r.fieldIndex("trial_id")))
                .sorted().toList();
    }

    /** A grid trial's devel CCC on one target (joint trials count for both). */
    private double devel(String id, String target) {
        Row r = grid.get(id);
        return r.getDouble(r.fieldIndex("devel_ccc_" + target));
    }

    /** The best trial of a set for a target over single and joint trials. */
    private String best(String set, String target) {
        return grid.values().stream().filter(r -> r.getString(r.fieldIndex("feature_sets")).equals(set)
                        && List.of(r.getString(r.fieldIndex("targets")).split("\\+")).contains(target))
                .map(r -> r.getString(r.fieldIndex("trial_id")))
                .max(Comparator.comparingDouble(id -> devel(id, target))).orElseThrow();
    }

    /** A fusion row's sources (label -> trial id), from its config. */
    private static Map<String, String> sources(Row r) {
        com.fasterxml.jackson.databind.JsonNode node;
        try {
            node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.getString(r.fieldIndex("config")))
                    .path("late_fusion").path("sources");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    /** Fusion rows: their sources (label -> trial id) from the config. */
    private List<Map<String, String>> sourcesOf(String where) {
        return trials.where(where).collectAsList().stream().map(FusionSelectionTest::sources).toList();
    }

    @Test
    void seedMeanTakesTheBestConfigurationOnAverageAndItsTrialOfEachSeed() throws Exception {
        for (long seed : List.of(1L, 2L)) {
            List<Map<String, String>> rows = sourcesOf("model = 'late-sun' AND targets = 'arousal' AND seed = " + seed
                    + " AND feature_sets = 'late(egemaps,vggface)'");
            assertFalse(rows.isEmpty());
            for (String set : List.of("egemaps", "vggface")) {
                // Per (targets, hidden) configuration of the set: its mean arousal devel CCC over seeds.
                Map<String, List<Row>> groups = grid.values().stream().filter(r -> r.getString(r.fieldIndex(
                        "feature_sets")).equals(set)).collect(Collectors.groupingBy(r -> r.getString(r.fieldIndex(
                        "group_id"))));
                List<Row> bestGroup = groups.values().stream().max(Comparator.comparingDouble(g -> g.stream()
                        .mapToDouble(r -> r.getDouble(r.fieldIndex("devel_ccc_arousal"))).average().orElseThrow()))
                        .orElseThrow();
                String expected = bestGroup.stream().filter(r -> r.getLong(r.fieldIndex("seed")) == seed).findFirst()
                        .orElseThrow().getString(0);
                assertTrue(rows.stream().anyMatch(m -> expected.equals(m.get(set))),
                        "seed " + seed + " " + set + ": " + expected + " in " + rows);
            }
        }
    }

    @Test
    void explicitTrialsAreFusedAsListed() throws Exception {
        String a = ids("egemaps", "arousal").get(0);
        String b = ids("bert", "arousal").get(0);
        List<Map<String, String>> rows = sourcesOf("model = 'late-sun' AND feature_sets = 'late(egemaps,bert)'");
        assertTrue(rows.contains(Map.of("egemaps", a, "bert", b)) || rows.stream().anyMatch(m -> m.values().containsAll(
                List.of(a, b)) && m.size() == 2), rows.toString());
        assertEquals(0, trials.where("model LIKE 'late-%' AND targets = 'valence' AND feature_sets = 'late(egemaps,bert)' "
                + "AND config LIKE '%" + a + "%'").count(), "single-target arousal trials give no valence fusion");
    }

    @Test
    void topKTakesTheBestSetsOfEachModality() throws Exception {
        String audio = devel(best("egemaps", "arousal"), "arousal") >= devel(best("egemaps_lld", "arousal"), "arousal")
                ? "egemaps" : "egemaps_lld";
        List<Map<String, String>> rows = sourcesOf("model = 'late-sun' AND targets = 'arousal' AND feature_sets = 'late("
                + audio + ",vggface)'");
        assertFalse(rows.isEmpty(), "the better audio set (" + audio + ") with vggface");
        assertTrue(rows.stream().anyMatch(m -> m.equals(Map.of(audio, best(audio, "arousal"), "vggface",
                best("vggface", "arousal")))), rows.toString());
    }

    @Test
    void greedyStartsFromTheBestSetAndAddsWhatRaisesDevelCcc() {
        for (String target : List.of("arousal", "valence")) {
            List<String> sets = List.of("egemaps", "egemaps_lld", "vggface", "bert");
            String first = sets.stream().max(Comparator.comparingDouble(s -> devel(best(s, target), target))).orElseThrow();
            double current = devel(best(first, target), target);
            List<String> chosen = new ArrayList<>(List.of(first));
            // Replay the search from the rows: every step's candidates were trained with fusion seed 1.
            while (chosen.size() < sets.size()) {
                String bestAdd = null;
                double bestCcc = current;
                for (String s : sets) {
                    if (chosen.contains(s)) {
                        continue;
                    }
                    List<String> with = new ArrayList<>(chosen);
                    with.add(s);
                    List<Row> r = greedyRows(target, with, 1);
                    assertEquals(1, r.size(), "candidate " + with + " for " + target + " was trained");
                    double d = r.get(0).getDouble(r.get(0).fieldIndex("devel_ccc"));
                    if (d > bestCcc) {
                        bestCcc = d;
                        bestAdd = s;
                    }
                }
                if (bestAdd == null) {
                    break;
                }
                chosen.add(bestAdd);
                current = bestCcc;
            }
            // The final selection, and only it among the greedy fusions, is trained with every seed.
            long seed2 = chosen.size() < 2 ? 0 : greedyRows(target, chosen, 2).size();
            assertEquals(chosen.size() > 1 ? 1 : 0, seed2, target + ": final selection " + chosen);
        }
    }

    /** Learned fusions of one seed whose sources are exactly the best trial of each of {@code sets}, in order. */
    private List<Row> greedyRows(String target, List<String> sets, long seed) {
        String label = "late(" + String.join(",", sets) + ")";
        List<Row> out = new ArrayList<>();
        for (Row r : trials.where("model = 'late-sun' AND seed = " + seed + " AND targets = '" + target
                + "' AND feature_sets = '" + label + "'").collectAsList()) {
            Map<String, String> sources = sources(r);
            if (sets.stream().allMatch(s -> best(s, target).equals(sources.get(s)))) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void earlyFusionConcatenatesTheTopSetsWithTheBestTrialsSettings() {
        for (String target : List.of("arousal", "valence")) {
            List<String> top = List.of("egemaps", "egemaps_lld", "vggface", "bert").stream()
                    .sorted(Comparator.comparingDouble((String s) -> devel(best(s, target), target)).reversed())
                    .limit(2).toList();
            Row base = grid.get(best(top.get(0), target));
            // The settings of the best trial among them (its hidden size and targets), every grid seed.
            List<Row> early = trials.where("feature_sets = '" + String.join("+", top) + "' AND hidden = "
                    + base.getInt(base.fieldIndex("hidden")) + " AND targets = '"
                    + base.getString(base.fieldIndex("targets")) + "' AND status = 'ok'").collectAsList();
            assertEquals(List.of(1L, 2L), early.stream().map(r -> r.getLong(r.fieldIndex("seed"))).sorted().toList(),
                    target + ": " + top + " with the settings of " + base.getString(base.fieldIndex("name")));
        }
    }

    @Test
    void aMeanRowBesideEveryLearnedFusion() {
        List<Row> learned = trials.where("model = 'late-sun'").select("targets", "feature_sets").distinct().collectAsList();
        for (Row l : learned) {
            assertTrue(trials.where(col("model").equalTo("late-mean").and(col("targets").equalTo(l.getString(0)))
                    .and(col("feature_sets").equalTo(l.getString(1)))).count() >= 1, l.toString());
        }
        assertEquals(0, trials.where("status <> 'ok'").count());
    }

    @Test
    void entriesAreValidatedByKey() {
        String m = assertThrows(ConfigError.class, () -> grid("fusion.inputs=[{sets = [egemaps, bert], select = top-k, k = 1}]"))
                .getMessage();
        assertTrue(m.contains("modalities"), m);
        m = assertThrows(ConfigError.class, () -> grid("fusion.inputs=[{sets = [egemaps, bert], k = 2}]")).getMessage();
        assertTrue(m.contains("fusion.inputs") && m.contains("only for select = top-k"), m);
        m = assertThrows(ConfigError.class, () -> grid("fusion.inputs=[{trials = [abc]}]")).getMessage();
        assertTrue(m.contains("at least two trial ids"), m);
        m = assertThrows(ConfigError.class, () -> grid("fusion.inputs=[{sets = [egemaps], select = greedy}]")).getMessage();
        assertTrue(m.contains("at least two candidate sets"), m);
        m = assertThrows(ConfigError.class, () -> grid("fusion.inputs=[{sets = [egemaps, bert], select = worst}]"))
                .getMessage();
        assertTrue(m.contains("'worst' is not one of"), m);
    }
}
