package io.museflow.synth;

import io.museflow.config.ConfigError;
import io.museflow.config.MuseLayout;
import io.museflow.config.Settings;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Settings of the synthetic data generator ({@code museflow.generate}). */
public record GeneratorConfig(String output, MuseLayout layout, long seed, int videos, double minMinutes,
                              double maxMinutes, boolean testLabels, double featureNoise, double labelHidden,
                              double arousalPrivate, double valencePrivate, double audioCorruption, boolean plausibleCorruption, boolean overwrite,
                              List<SetSpec> featureSets)
        implements java.io.Serializable {

    public static final String SECTION = "museflow.generate";

    /** One synthetic feature set. */
    public record SetSpec(String name, Modality modality, int width) implements java.io.Serializable {
    }

    public static GeneratorConfig from(Settings s) {
        String layout = s.choice("layout", "muse2020", "muse2021");
        double min = s.number("minutes.min", 0.05, 600);
        double max = s.number("minutes.max", 0.05, 600);
        if (max < min) {
            throw new ConfigError(s.key("minutes.max") + ": " + max + " is below minutes.min " + min);
        }
        List<SetSpec> sets = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Settings set : s.objects("feature-sets")) {
            String name = set.string("name");
            if (!name.matches("[A-Za-z0-9_\\-]+")) {
                throw new ConfigError(set.key("name") + ": '" + name + "' must be letters, digits, _ or -");
            }
            if (!names.add(name)) {
                throw new ConfigError(set.key("name") + ": feature set '" + name + "' is listed twice");
            }
            Modality m = Modality.parse(set.choice("modality", "audio", "video", "text", "native-audio"));
            sets.add(new SetSpec(name, m, (int) set.integer("width", 1, 100_000)));
        }
        if (sets.isEmpty()) {
            throw new ConfigError(s.key("feature-sets") + ": needs at least one feature set");
        }
        return new GeneratorConfig(s.string("output"), MuseLayout.parse(layout), s.integer("seed", Long.MIN_VALUE,
                Long.MAX_VALUE), (int) s.integer("videos", 3, 100_000), min, max, s.bool("test-labels"),
                s.number("feature-noise", 0, 100), s.number("label-hidden", 0, 10),
                s.number("arousal-private", 0, 1), s.number("valence-private", 0, 1), s.number("audio-corruption", 0, 100),
                s.choice("audio-corruption-kind", "noise", "plausible").equals("plausible"), s.bool("overwrite"),
                List.copyOf(sets));
    }

    public static GeneratorConfig load(List<String> args) {
        return from(Settings.load(SECTION, args));
    }
}
