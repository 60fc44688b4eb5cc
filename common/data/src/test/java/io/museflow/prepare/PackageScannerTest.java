package io.museflow.prepare;

import io.museflow.config.ConfigError;
import io.museflow.config.MuseLayout;
import io.museflow.config.PrepareConfig;
import io.museflow.data.AlignmentMode;
import io.museflow.data.InputDataException;
import io.museflow.data.Partition;
import io.museflow.synth.SyntheticMuse;
import io.museflow.synth.TinyPackage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackageScannerTest {
    @TempDir
    Path dir;

    private PreparePlan scan(Path root, String... args) {
        List<String> a = new ArrayList<>(List.of("input=" + root, "output=" + dir.resolve("out")));
        a.addAll(List.of(args));
        return new PackageScanner(new LocalPackageFiles(root), PrepareConfig.load(a)).scan();
    }

    private String error(Path root, String... args) {
        return assertThrows(InputDataException.class, () -> scan(root, args)).getMessage();
    }

    private static String firstVideo(SyntheticMuse muse, Partition p) {
        for (int i : muse.videoIndices()) {
            if (muse.partition(i) == p) {
                return SyntheticMuse.videoId(i);
            }
        }
        throw new AssertionError("no " + p + " video");
    }

    @Test
    void muse2020PlanFindsSetsAlignmentsAndUnlabelledTestVideos() throws IOException {
        Path root = dir.resolve("pkg");
        TinyPackage.write(root, "muse2020", 1);
        PreparePlan plan = scan(root);
        assertEquals(MuseLayout.MUSE2020, plan.layout());
        assertEquals(250, plan.labelPeriodMs());
        assertEquals(List.of("bert", "egemaps", "vggface", "egemaps_lld"), plan.sets().stream().map(SetPlan::name).toList());
        assertEquals(AlignmentMode.WINDOW_MEAN, plan.sets().get(3).mode());
        assertEquals(AlignmentMode.JOIN, plan.sets().get(0).mode());
        assertEquals(6, plan.sets().get(0).width());
        assertEquals(6, plan.videos().size());
        assertTrue(plan.videos().stream().filter(v -> v.partition() == Partition.TEST).noneMatch(VideoPlan::labelled));
    }

    @Test
    void muse2021NativeRateIsDetectedFromRowDensity() throws IOException {
        Path root = dir.resolve("pkg");
        TinyPackage.write(root, "muse2021", 1);
        PreparePlan plan = scan(root, "feature-sets=[egemaps_lld, egemaps]");
        assertEquals(MuseLayout.MUSE2021, plan.layout());
        assertEquals(500, plan.labelPeriodMs());
        assertEquals(AlignmentMode.WINDOW_MEAN, plan.sets().get(0).mode());
        assertEquals(AlignmentMode.JOIN, plan.sets().get(1).mode());
    }

    @Test
    void missingFoldersAndFiles() throws IOException {
        assertTrue(error(dir.resolve("nowhere")).startsWith("input folder " + dir.resolve("nowhere") + " does not exist"));
        Path root = dir.resolve("pkg");
        SyntheticMuse muse = TinyPackage.write(root, "muse2020", 1);
        Files.delete(root.resolve("metadata/partition.csv"));
        assertEquals(root + "/metadata/partition.csv: missing (every package needs the Id,Proposal partition table)",
                error(root));
        Files.writeString(root.resolve("metadata/partition.csv"), "Id,Proposal\n");
        assertEquals(root + "/metadata/partition.csv: header only, no partition rows", error(root));
    }

    @Test
    void trainVideoWithoutLabelsFailsOrIsSkipped() throws IOException {
        Path root = dir.resolve("pkg");
        SyntheticMuse muse = TinyPackage.write(root, "muse2020", 1);
        String train = firstVideo(muse, Partition.TRAIN);
        Files.delete(root.resolve("label_segments/valence/" + train + ".csv"));
        String m = error(root);
        assertTrue(m.startsWith("video " + train + " (train in " + root + "/metadata/partition.csv): no label file "
                + root + "/label_segments/valence/" + train + ".csv"), m);
        PreparePlan plan = scan(root, "on-missing=skip");
        assertEquals(5, plan.videos().size());
        assertTrue(plan.warnings().stream().anyMatch(w -> w.startsWith("skipped video " + train)));
    }

    @Test
    void partitionIdWithoutFeatures() throws IOException {
        Path root = dir.resolve("pkg");
        SyntheticMuse muse = TinyPackage.write(root, "muse2020", 1);
        String devel = firstVideo(muse, Partition.DEVEL);
        Files.delete(root.resolve("feature_segments/label_aligned/vggface/" + devel + ".csv"));
        assertTrue(error(root).contains("no feature file " + root + "/feature_segments/label_aligned/vggface/" + devel + ".csv"));
        assertFalse(scan(root, "on-missing=skip").videos().stream().anyMatch(v -> v.video().equals(devel)));
    }

    @Test
    void unknownFeatureSet() throws IOException {
        Path root = dir.resolve("pkg");
        TinyPackage.write(root, "muse2020", 1);
        String m = error(root, "feature-sets=[egemaps, deepspectrum]");
        assertTrue(m.startsWith("feature set 'deepspectrum' (key museflow.prepare.feature-sets) is not in"), m);
        m = assertThrows(ConfigError.class, () -> scan(root, "feature-sets=[egemaps]", "standardize.sets.bert=false"))
                .getMessage();
        assertTrue(m.contains("[bert] are not among the prepared feature sets [egemaps]"), m);
    }

    @Test
    void featureSetWidthDiffersBetweenVideos() throws IOException {
        Path root = dir.resolve("pkg");
        TinyPackage.write(root, "muse2020", 1);
        Path f = root.resolve("feature_segments/label_aligned/egemaps/4.csv");
        List<String> lines = Files.readAllLines(f);
        List<String> cut = new ArrayList<>();
        for (String l : lines) {
            cut.add(l.substring(0, l.lastIndexOf(',')));
        }
        Files.write(f, cut);
        String m = error(root);
        assertTrue(m.startsWith(f + ":1: feature set 'egemaps' has 4 feature columns in video 4 but 5 in "), m);
    }
}
