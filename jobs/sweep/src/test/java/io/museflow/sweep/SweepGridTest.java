package io.museflow.sweep;

import io.museflow.data.Target;
import io.museflow.learn.model.ModelKind;

import io.museflow.config.ConfigError;
import io.museflow.learn.TrialSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepGridTest {
    private static SweepGrid grid(String... args) {
        List<String> a = new ArrayList<>(List.of("data=/d", "output=/o"));
        a.addAll(List.of(args));
        return SweepGrid.load(a);
    }

    /** Relative folders become the driver's absolute URIs before any task sees them; ids do not move. */
    @Test
    void qualifiedGridNamesItsFoldersAbsolutelyWithTheSameTrials() throws Exception {
        SweepGrid relative = SweepGrid.load(List.of("data=runs/prepared/x", "output=runs/sweeps/y", "seeds=[1, 2]"));
        SweepGrid qualified = relative.qualified(new org.apache.hadoop.conf.Configuration());
        String cwd = java.nio.file.Path.of("").toAbsolutePath().toUri().getPath();
        assertEquals("file:" + cwd + "runs/prepared/x", qualified.data());
        assertEquals("file:" + cwd + "runs/sweeps/y", qualified.output());
        for (int i = 0; i < relative.trials().size(); i++) {
            assertEquals(qualified.data(), qualified.trials().get(i).data(), "every trial reads the qualified folder");
            assertEquals(relative.trials().get(i).id("fp"), qualified.trials().get(i).id("fp"));
        }
        assertEquals("hdfs://nn:8020/d", SweepGrid.load(List.of("data=hdfs://nn:8020/d", "output=/o"))
                .qualified(new org.apache.hadoop.conf.Configuration()).data(), "a qualified URI stays as it is");
    }

    @Test
    void trialsAreTheCartesianProductInGridOrder() {
        SweepGrid g = grid("targets=[arousal, valence]", "feature-sets=[egemaps, \"egemaps+vggface\"]",
                "hidden=[32, 64]", "seeds=[1, 2, 3]", "max-epochs=7");
        assertEquals(2 * 2 * 2 * 3, g.trials().size());
        TrialSpec first = g.trials().get(0);
        assertEquals(List.of(Target.AROUSAL), first.targets());
        assertEquals(List.of("egemaps"), first.featureSets());
        assertEquals(32, first.hidden());
        assertEquals(1, first.seed());
        assertEquals(7, first.maxEpochs());
        assertEquals(2, g.trials().get(1).seed(), "the last axis varies fastest");
        assertEquals(List.of("egemaps", "vggface"), g.trials().get(6).featureSets(), "'+' is early fusion");
        assertEquals("", first.output());
        assertEquals(g.trials().size(), g.trials().stream().map(t -> t.id("fp")).distinct().count());
        assertNotEquals(first.id("fp"), first.id("other data"), "the data fingerprint is part of the id");
        assertEquals(List.of(Target.AROUSAL, Target.VALENCE), grid("targets=[\"arousal+valence\"]").trials().get(0).targets());
    }

    @Test
    void axesOfTheOtherModelDoNotMultiplyTrials() {
        SweepGrid g = grid("model=[sun, stacked]", "heads=[4, 8]", "cell=[gru, lstm]");
        // sun: 2 head counts (cell ignored); stacked: 2 cells (heads ignored).
        assertEquals(4, g.trials().size());
        assertEquals(8, g.gridSize());
        Set<String> names = g.trials().stream().map(TrialSpec::name).collect(Collectors.toSet());
        assertTrue(names.stream().anyMatch(n -> n.contains("4xBiLSTM")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.contains("8h")), names.toString());
    }

    @Test
    void referenceCodeOptionsAreAxesAndOnlyMultiplyWhereTheyApply() {
        SweepGrid g = grid("model=[sun, stacked]", "loss=[ccc, mse]", "ccc-reduction=[sequence, batch]",
                "projection-bias=[true, false]", "head=[0, 64]", "init=torch", "plateau=[devel-ccc, train-loss]");
        // sun: ccc 2 reductions x 2 biases, mse 2 biases; stacked: ccc 2 reductions, mse 1; each x 2 heads x 2 plateaus
        assertEquals((4 + 2 + 2 + 1) * 2 * 2, g.trials().size());
        assertTrue(g.trials().stream().allMatch(t -> t.options().init() == io.museflow.learn.layers.InitScheme.TORCH));
        TrialSpec batch = g.trials().stream().filter(t -> t.options().cccReduction()
                == io.museflow.learn.loss.CccReduction.BATCH).findFirst().orElseThrow();
        assertTrue(batch.canonical().contains("ccc-reduction=BATCH"), batch.canonical());
        assertEquals(g.trials().size(), g.trials().stream().map(t -> t.id("fp")).distinct().count());
        ConfigError e = assertThrows(ConfigError.class, () -> grid("init=[gaussian]"));
        assertTrue(e.getMessage().contains("init") && e.getMessage().contains("gaussian"), e.getMessage());
    }

    @Test
    void exclusionsAndSamples() {
        SweepGrid g = grid("hidden=[32, 64, 128]", "learning-rate=[0.001, 0.005]",
                "exclude=[{hidden = 128, learning-rate = 0.005}, {hidden = 32}]");
        assertEquals(3, g.trials().size());
        assertTrue(g.trials().stream().noneMatch(t -> t.hidden() == 32));
        assertTrue(g.trials().stream().noneMatch(t -> t.hidden() == 128 && t.learningRate() == 0.005));
        SweepGrid sampled = grid("hidden=[8, 16, 32, 64, 128]", "seeds=[1, 2]", "sample=4");
        assertEquals(4, sampled.trials().size());
        assertEquals(sampled.trials(), grid("hidden=[8, 16, 32, 64, 128]", "seeds=[1, 2]", "sample=4").trials(),
                "the same sample every time");
        assertNotEquals(sampled.trials(), grid("hidden=[8, 16, 32, 64, 128]", "seeds=[1, 2]", "sample=4",
                "sample-seed=9").trials());
    }

    @Test
    void errorsNameTheKey() {
        assertError("museflow.sweep.hiden", "hiden=[3]");
        assertError("museflow.sweep.hidden", "hidden=[0]");
        assertError("museflow.sweep.loss", "loss=[ccc, huber]");
        assertError("museflow.sweep.dropout: 0.1 is listed twice", "dropout=[0.1, 0.1]");
        assertError("museflow.sweep.exclude[0].hiden", "exclude=[{hiden = 3}]");
        assertError("museflow.sweep.exclude", "exclude=[{model = sun}]");
        assertError("museflow.sweep.feature-sets", "feature-sets=[\"egemaps+\"]");
    }

    private static void assertError(String expected, String arg) {
        String m = assertThrows(ConfigError.class, () -> grid(arg)).getMessage();
        assertTrue(m.contains(expected), m);
    }

    /** The shipped grids load; the papers' spaces have the documented size and both models. */
    @Test
    void shippedGridsLoad() {
        for (String name : List.of("arousal", "valence")) {
            SweepGrid g = SweepGrid.load(List.of("--config", "../../conf/" + name + ".conf"));
            assertEquals(7 * (486 + 108), g.trials().size(), name);
            assertEquals(Set.of(ModelKind.SUN, ModelKind.STACKED), g.trials().stream().map(TrialSpec::kind).collect(Collectors.toSet()));
            assertTrue(g.trials().stream().allMatch(t -> t.targets().equals(List.of(Target.of(name)))), name);
            assertTrue(g.trials().stream().filter(t -> t.kind() == ModelKind.STACKED).allMatch(t -> t.hidden() == 64
                    && Set.of(0.0005, 0.001, 0.005).contains(t.learningRate())), name);
            assertEquals(3, g.fusion().entries().size());
        }
        SweepGrid demo = SweepGrid.load(List.of("--config", "../../conf/demo.conf"));
        assertEquals(12, demo.trials().size());
        assertEquals(List.of("egemaps", "vggface", "bert"), demo.fusion().entries().get(0).sets());
    }
}
