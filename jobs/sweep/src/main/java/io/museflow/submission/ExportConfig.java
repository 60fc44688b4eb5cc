package io.museflow.submission;

import io.museflow.config.ConfigError;
import io.museflow.config.MuseLayout;
import io.museflow.config.Settings;
import io.museflow.data.Partition;
import io.museflow.data.Target;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code museflow.export}: which trial's predictions of which sweep become a submission, in what
 * format, where. Parsed once, validated with messages that name the key.
 *
 * @param trials the trial exported per dimension (a joint trial may be named for both)
 * @param format null: the prepared data set's layout decides
 */
public record ExportConfig(String sweep, Map<Target, String> trials, SubmissionFormat format, Partition partition,
                           String output, boolean overwrite, String rendered) {
    public static final String SECTION = "museflow.export";

    public static ExportConfig load(List<String> args) {
        Settings s = Settings.load(SECTION, args);
        Map<Target, String> trials = new EnumMap<>(Target.class);
        s.scalarMap("trials").forEach((k, v) -> {
            Target t;
            try {
                t = Target.of(k);
            } catch (IllegalArgumentException e) {
                throw new ConfigError(s.key("trials") + ": " + e.getMessage());
            }
            if (!v.isBlank()) {
                trials.put(t, v.trim());
            }
        });
        if (trials.isEmpty()) {
            throw new ConfigError(s.key("trials") + ": name the trial id of at least one dimension, e.g. "
                    + "trials.arousal=<trial id> (ids are in the sweep's trials and summary tables)");
        }
        String f = s.choice("format", "auto", "muse2020", "muse2021");
        SubmissionFormat format = f.equals("auto") ? null : SubmissionFormat.of(MuseLayout.parse(f));
        Partition partition = Partition.parse(s.choice("partition", "test", "devel"));
        return new ExportConfig(s.string("sweep"), Collections.unmodifiableMap(trials), format, partition,
                s.string("output"), s.bool("overwrite"), s.render());
    }
}
