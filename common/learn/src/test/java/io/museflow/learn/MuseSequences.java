package io.museflow.learn;

import io.museflow.config.PrepareConfig;
import io.museflow.data.AlignedFeatures;
import io.museflow.data.FeatureMoments;
import io.museflow.data.FeatureStats;
import io.museflow.data.Partition;
import io.museflow.data.Window;
import io.museflow.data.Windower;
import io.museflow.learn.train.Sequence;
import io.museflow.prepare.LocalPackageFiles;
import io.museflow.prepare.PackageScanner;
import io.museflow.prepare.PreparePlan;
import io.museflow.prepare.PreparedVideo;
import io.museflow.prepare.VideoPreparer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A generated MuSe package turned into training data with the prepare job's own pure-Java steps
 * (scan, align, train-only standardization, windowing), without Spark: the learning tests' input.
 * Train videos come both as 200-frame windows (training) and whole (predictions for late fusion).
 */
public record MuseSequences(List<Sequence> trainWindows, List<Sequence> trainVideos, List<Sequence> devel,
                            java.util.Map<String, long[]> timestamps) {

    public MuseSequences(List<Sequence> trainWindows, List<Sequence> trainVideos, List<Sequence> devel) {
        this(trainWindows, trainVideos, devel, java.util.Map.of());
    }

    public static MuseSequences load(Path pkg, String set, String dimension) {
        PrepareConfig cfg = PrepareConfig.load(List.of("input=" + pkg, "output=" + pkg + "-unused",
                "feature-sets=[" + set + "]"));
        LocalPackageFiles files = new LocalPackageFiles(pkg);
        PreparePlan plan = new PackageScanner(files, cfg).scan();
        VideoPreparer preparer = new VideoPreparer(files, plan);
        List<PreparedVideo> videos = plan.videos().stream().map(preparer::prepare).toList();
        int d = plan.sets().get(0).width();
        FeatureMoments moments = new FeatureMoments(d);
        videos.stream().filter(v -> v.partition() == Partition.TRAIN).forEach(v -> moments.add(v.sets().get(set)));
        FeatureStats stats = FeatureStats.fit(moments);
        Windower windower = new Windower(cfg.windowSize(), cfg.windowHop());
        List<Sequence> train = new ArrayList<>();
        List<Sequence> trainVideos = new ArrayList<>();
        List<Sequence> devel = new ArrayList<>();
        java.util.Map<String, long[]> timestamps = new java.util.HashMap<>();
        for (PreparedVideo v : videos) {
            timestamps.put(v.video(), v.timeline().timestampsMs());
            AlignedFeatures a = v.sets().get(set);
            float[] x = stats.apply(a);
            float[] y = dimension.equals("arousal") ? v.timeline().arousal() : v.timeline().valence();
            Sequence whole = new Sequence(v.video(), a.frames(), d, 1, x, y.clone());
            if (v.partition() == Partition.TRAIN) {
                trainVideos.add(whole);
                for (Window w : windower.windows(a.frames())) {
                    train.add(whole.slice(w));
                }
            } else if (v.partition() == Partition.DEVEL) {
                devel.add(whole);
            }
        }
        return new MuseSequences(train, trainVideos, devel, timestamps);
    }
}
