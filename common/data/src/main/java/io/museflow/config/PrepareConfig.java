package io.museflow.config;

import io.museflow.data.AlignmentMode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolved settings of the prepare job ({@code museflow.prepare}).
 *
 * @param layout           null = detect from the package
 * @param featureSets      empty = all sets found
 * @param labelPeriodMs    0 = the layout's
 * @param alignmentDefault null = auto
 * @param rendered         the resolved section, kept for provenance
 */
public record PrepareConfig(String input, String output, MuseLayout layout, List<String> featureSets,
                            long labelPeriodMs, AlignmentMode alignmentDefault, Map<String, AlignmentMode> alignmentSets,
                            boolean standardizeDefault, Map<String, Boolean> standardizeSets, int windowSize,
                            int windowHop, boolean skipMissing, boolean overwrite, String rendered) {

    public static final String SECTION = "museflow.prepare";

    public static PrepareConfig from(Settings s) {
        String layout = s.choice("layout", "auto", "muse2020", "muse2021");
        String align = s.choice("alignment.default", "auto", "join", "window-mean");
        Map<String, AlignmentMode> alignSets = new LinkedHashMap<>();
        s.scalarMap("alignment.sets").forEach((set, v) -> {
            AlignmentMode m = AlignmentMode.parse(v);
            if (m == null) {
                throw new ConfigError(s.key("alignment.sets." + set) + ": '" + v + "' is not one of join, window-mean");
            }
            alignSets.put(set, m);
        });
        Map<String, Boolean> stdSets = new LinkedHashMap<>();
        s.scalarMap("standardize.sets").forEach((set, v) -> {
            if (!v.equals("true") && !v.equals("false")) {
                throw new ConfigError(s.key("standardize.sets." + set) + ": '" + v + "' is not true or false");
            }
            stdSets.put(set, Boolean.parseBoolean(v));
        });
        int size = (int) s.integer("window.size", 1, 1_000_000);
        int hop = (int) s.integer("window.hop", 1, 1_000_000);
        if (hop > size) {
            throw new ConfigError(s.key("window.hop") + ": " + hop + " is larger than window.size " + size
                    + " (frames would be skipped)");
        }
        String input = s.string("input");
        String output = s.string("output");
        if (stripSlash(input).equals(stripSlash(output))) {
            throw new ConfigError(s.key("output") + ": must differ from input (" + input + ")");
        }
        return new PrepareConfig(input, output,
                layout.equals("auto") ? null : MuseLayout.parse(layout),
                s.strings("feature-sets"),
                s.integer("label-period-ms", 0, 3_600_000),
                align.equals("auto") ? null : AlignmentMode.parse(align),
                Map.copyOf(alignSets),
                s.bool("standardize.default"),
                Map.copyOf(stdSets),
                size, hop,
                s.choice("on-missing", "fail", "skip").equals("skip"),
                s.bool("overwrite"),
                s.render());
    }

    public static PrepareConfig load(List<String> args) {
        return from(Settings.load(SECTION, args));
    }

    public boolean standardize(String set) {
        return standardizeSets.getOrDefault(set, standardizeDefault);
    }

    private static String stripSlash(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
