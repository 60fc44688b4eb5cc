package io.museflow.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.museflow.learn.fusion.FusionModel;
import io.museflow.learn.model.ModelKind;
import io.museflow.config.ConfigError;
import io.museflow.config.Settings;
import io.museflow.learn.TrialSpec;
import io.museflow.learn.train.TrainConfig;
import io.museflow.store.QualifiedPaths;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A hyperparameter grid ({@code museflow.sweep}): lists of values per axis whose cartesian product,
 * minus exclusions, optionally sampled, is the sweep's trials. Each trial is a {@link TrialSpec}
 * resolved over the {@code museflow.trial} defaults. Axes that do not apply to a trial's model
 * (attention settings for the stacked model, recurrent-stack settings for Sun's) are reset to their
 * defaults, so the product never holds two trials that would train the same network.
 */
public record SweepGrid(String data, String output, List<TrialSpec> trials, int gridSize, int threadsPerTrial,
                        boolean retryFailed, boolean saveModels, Fusion fusion, String rendered) {

    /**
     * Late fusion after the grid's trials ({@code museflow.sweep.fusion}): per target, per entry and
     * per seed, one second-level model over the best trial of each listed feature-set value.
     *
     * @param entries  each: the grid's feature-set values whose best trials are fused, and the sets
     *                 whose reconstruction error joins them
     * @param model    sun (one BiLSTM of 32) or hamieh (4 × BiGRU of {@code hidden})
     */
    public record Fusion(List<Entry> entries, List<Early> early, FusionModel model, int hidden, List<Long> seeds,
                         int maxEpochs, double learningRate, int batchSize, int reEpochs) implements java.io.Serializable {
        /**
         * Early fusion chosen from the unimodal rows ({@code fusion.early}): per target, the {@code top}
         * single sets with the best trials (devel CCC; among {@code sets}, or all single sets of the
         * grid), concatenated, trained with the best of those trials' settings for every grid seed.
         */
        public record Early(int top, List<String> sets) implements java.io.Serializable {
        }

        /**
         * One fusion input rule (README, "Late fusion"): which source trials a fusion averages or learns over.
         *
         * @param sets       candidate feature-set values of the grid (empty for {@link Selection#TRIALS})
         * @param trials     explicit source trial ids ({@link Selection#TRIALS} only)
         * @param k          sets taken per modality ({@link Selection#TOP_K} only)
         * @param modalities modality name → its feature-set values ({@link Selection#TOP_K} only)
         */
        public record Entry(Selection select, List<String> sets, List<String> re, List<String> trials, int k,
                            Map<String, List<String>> modalities) implements java.io.Serializable {
            /** Today's rule: the best trial of each listed set. */
            public Entry(List<String> sets, List<String> re) {
                this(Selection.BEST, sets, re, List.of(), 0, Map.of());
            }
        }

        /** How an entry picks its sources from the trials table; every rule looks at devel CCC only. */
        public enum Selection {
            /** The best trial (by devel CCC) of each listed set. */
            BEST("best"),
            /** Per listed set the configuration with the best seed-mean devel CCC; its trial of the fusion's seed. */
            SEED_MEAN("seed-mean"),
            /** The listed trial ids. */
            TRIALS("trials"),
            /** Per modality, the best trials of its k best sets. */
            TOP_K("top-k"),
            /** Greedy forward selection over the listed sets, from the best one; adds what raises devel CCC most. */
            GREEDY("greedy");

            private final String key;

            Selection(String key) {
                this.key = key;
            }

            public String key() {
                return key;
            }
        }

        public boolean isEmpty() {
            return entries.isEmpty() && early.isEmpty();
        }
    }

    public static final String SECTION = "museflow.sweep";

    /** Grid axis → the trial key it sets. In grid order: the product varies the last axis fastest. */
    static final Map<String, String> AXES = axes();

    private static Map<String, String> axes() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : List.of("targets", "feature-sets", "model", "width", "heads", "attention-layers", "lstm-layers",
                "layers", "cell", "bidirectional", "hidden", "dropout", "learning-rate", "batch-size", "loss",
                "segment-id", "ccc-reduction", "head", "projection-bias", "init", "plateau")) {
            m.put(k, k);
        }
        m.put("seeds", "seed");
        return Map.copyOf(m);
    }

    private static final List<String> AXIS_ORDER = List.of("targets", "feature-sets", "model", "width", "heads",
            "attention-layers", "lstm-layers", "layers", "cell", "bidirectional", "hidden", "dropout", "learning-rate",
            "batch-size", "loss", "segment-id", "ccc-reduction", "head", "projection-bias", "init", "plateau", "seeds");
    private static final Set<String> SUN_ONLY = Set.of("width", "heads", "attention-layers", "lstm-layers",
            "projection-bias");
    private static final Set<String> STACKED_ONLY = Set.of("layers", "cell", "bidirectional");
    /** Trial keys taken as they are from the grid's fixed settings. */
    private static final List<String> FIXED = List.of("max-epochs", "re-epochs", "re-hidden", "micro-batch");

    public static SweepGrid load(List<String> args) {
        return from(Settings.load(SECTION, args));
    }

    public static SweepGrid from(Settings s) {
        Config grid = s.raw();
        Config trialDefaults = ConfigFactory.defaultReference(SweepGrid.class.getClassLoader())
                .getConfig(TrialSpec.SECTION);
        Map<String, List<ConfigValue>> axes = new LinkedHashMap<>();
        for (String axis : AXIS_ORDER) {
            axes.put(axis, values(s, grid, axis));
        }
        List<Map<String, ConfigValue>> exclusions = exclusions(s, grid);
        String data = s.string("data");
        Map<String, TrialSpec> trials = new LinkedHashMap<>(); // canonical form → trial, grid order, no duplicates
        int size = 1;
        for (List<ConfigValue> v : axes.values()) {
            size = Math.multiplyExact(size, v.size());
        }
        int[] index = new int[AXIS_ORDER.size()];
        for (int n = 0; n < size; n++) {
            int rest = n;
            for (int a = AXIS_ORDER.size() - 1; a >= 0; a--) {
                int k = axes.get(AXIS_ORDER.get(a)).size();
                index[a] = rest % k;
                rest /= k;
            }
            Map<String, ConfigValue> point = new LinkedHashMap<>();
            for (int a = 0; a < AXIS_ORDER.size(); a++) {
                point.put(AXIS_ORDER.get(a), axes.get(AXIS_ORDER.get(a)).get(index[a]));
            }
            if (excluded(point, exclusions)) {
                continue;
            }
            TrialSpec t = trial(s, point, trialDefaults, grid, data);
            trials.putIfAbsent(t.canonical(), t);
        }
        List<TrialSpec> list = new ArrayList<>(trials.values());
        int sample = (int) s.integer("sample", 0, Integer.MAX_VALUE);
        if (sample > 0 && sample < list.size()) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(s.integer("sample-seed", Long.MIN_VALUE, Long.MAX_VALUE)));
            List<Integer> kept = new ArrayList<>(order.subList(0, sample));
            kept.sort(null);
            List<TrialSpec> sampled = new ArrayList<>();
            kept.forEach(i -> sampled.add(list.get(i)));
            list.clear();
            list.addAll(sampled);
        }
        if (list.isEmpty()) {
            throw new ConfigError(s.key("exclude") + ": the exclusions remove every trial of the grid");
        }
        return new SweepGrid(data, s.string("output"), List.copyOf(list), size,
                (int) s.integer("threads-per-trial", 1, 1024), s.bool("retry-failed"), s.bool("save-models"),
                fusion(s, axes.get("feature-sets")), s.render());
    }

    /**
     * The same grid with its data and output folders as fully qualified URIs of the driver's file
     * system: an executor resolves a relative path against its own working folder (on a standalone
     * worker, the application's folder under the worker's), so only the driver may interpret one.
     */
    public SweepGrid qualified(Configuration conf) throws IOException {
        String at = QualifiedPaths.of(data, conf);
        return new SweepGrid(at, QualifiedPaths.of(output, conf),
                trials.stream().map(t -> t.withData(at)).toList(), gridSize, threadsPerTrial, retryFailed, saveModels,
                fusion, rendered);
    }

    private static Fusion fusion(Settings s, List<ConfigValue> featureSetValues) {
        Settings f = Settings.view(s.key("fusion"), s.raw().getConfig("fusion"));
        Set<String> known = new LinkedHashSet<>();
        featureSetValues.forEach(v -> known.add(text(v)));
        List<Fusion.Entry> entries = new ArrayList<>();
        for (Settings e : f.objects("inputs")) {
            Set<String> keys = e.raw().root().keySet();
            for (String k : keys) {
                if (!List.of("sets", "re", "select", "trials", "k", "modalities").contains(k)) {
                    throw new ConfigError(e.key(k) + ": unknown key (an entry has sets, re, select, trials, k, modalities)");
                }
            }
            Fusion.Selection select = keys.contains("trials") ? Fusion.Selection.TRIALS : Fusion.Selection.BEST;
            if (keys.contains("select")) {
                String name = e.choice("select", "best", "seed-mean", "top-k", "greedy");
                select = java.util.Arrays.stream(Fusion.Selection.values()).filter(x -> x.key().equals(name))
                        .findFirst().orElseThrow();
                if (keys.contains("trials")) {
                    throw new ConfigError(e.key("select") + ": an entry names either trials or a selection over sets");
                }
            }
            List<String> re = e.raw().hasPath("re") ? e.strings("re") : List.of();
            for (String r : re) {
                if (!r.matches("[A-Za-z0-9_\\-]+")) {
                    throw new ConfigError(e.key("re") + ": '" + r + "' is not a feature set name");
                }
            }
            if (select == Fusion.Selection.TRIALS) {
                List<String> ids = e.strings("trials");
                if (ids.size() < 2 || keys.contains("sets")) {
                    throw new ConfigError(e.key("trials") + ": needs at least two trial ids, and no sets");
                }
                entries.add(new Fusion.Entry(select, List.of(), re, ids, 0, Map.of()));
                continue;
            }
            List<String> sets = e.strings("sets");
            if (sets.isEmpty()) {
                throw new ConfigError(e.key("sets") + ": needs at least one feature-set value of the grid");
            }
            for (String set : sets) {
                if (!known.contains(set)) {
                    throw new ConfigError(e.key("sets") + ": '" + set + "' is not one of the grid's feature-sets "
                            + known);
                }
            }
            int k = 0;
            Map<String, List<String>> modalities = new LinkedHashMap<>();
            if (select == Fusion.Selection.TOP_K) {
                k = (int) e.integer("k", 1, 1000);
                if (!e.raw().hasPath("modalities")) {
                    throw new ConfigError(e.key("modalities") + ": select = top-k needs the sets of each modality, "
                            + "e.g. modalities { audio = [egemaps], video = [vggface], text = [bert] }");
                }
                Settings m = Settings.view(e.key("modalities"), e.raw().getConfig("modalities"));
                for (String modality : m.raw().root().keySet()) {
                    modalities.put(modality, m.strings(modality));
                }
                for (String set : sets) {
                    if (modalities.values().stream().noneMatch(l -> l.contains(set))) {
                        throw new ConfigError(e.key("modalities") + ": '" + set + "' is in no modality");
                    }
                }
            } else if (keys.contains("k") || keys.contains("modalities")) {
                throw new ConfigError(e.key(keys.contains("k") ? "k" : "modalities") + ": only for select = top-k");
            }
            if (select == Fusion.Selection.GREEDY && sets.size() < 2) {
                throw new ConfigError(e.key("sets") + ": greedy selection needs at least two candidate sets");
            }
            entries.add(new Fusion.Entry(select, sets, re, List.of(), k, Collections.unmodifiableMap(modalities)));
        }
        List<Long> seeds = new ArrayList<>();
        for (ConfigValue v : values(f, f.raw(), "seeds")) {
            try {
                seeds.add(Long.parseLong(text(v)));
            } catch (NumberFormatException x) {
                throw new ConfigError(f.key("seeds") + ": '" + text(v) + "' is not a whole number");
            }
        }
        List<Fusion.Early> early = new ArrayList<>();
        for (Settings e : f.objects("early")) {
            for (String k : e.raw().root().keySet()) {
                if (!k.equals("top") && !k.equals("sets")) {
                    throw new ConfigError(e.key(k) + ": unknown key (an early entry has top and sets)");
                }
            }
            List<String> sets = e.raw().hasPath("sets") ? e.strings("sets") : List.of();
            for (String set : sets) {
                if (!known.contains(set) || set.contains("+")) {
                    throw new ConfigError(e.key("sets") + ": '" + set + "' is not a single feature set of the grid "
                            + known);
                }
            }
            early.add(new Fusion.Early((int) e.integer("top", 2, 64), sets));
        }
        return new Fusion(List.copyOf(entries), List.copyOf(early), FusionModel.of(f.choice("model", "sun", "hamieh")),
                (int) f.integer("hidden", 1, 4096), List.copyOf(seeds), (int) f.integer("max-epochs", 1, 10000),
                f.number("learning-rate", 1e-7, TrainConfig.MAX_LEARNING_RATE), (int) f.integer("batch-size", 1, 65536),
                (int) s.integer("re-epochs", 1, 10000));
    }

    /** An axis: a list of values, or one scalar meaning a list of one. */
    private static List<ConfigValue> values(Settings s, Config grid, String axis) {
        ConfigValue v = grid.getValue(axis);
        List<ConfigValue> out = new ArrayList<>();
        if (v.valueType() == ConfigValueType.LIST) {
            out.addAll(grid.getList(axis));
        } else {
            out.add(v);
        }
        if (out.isEmpty()) {
            throw new ConfigError(s.key(axis) + ": needs at least one value");
        }
        for (ConfigValue c : out) {
            if (c.valueType() == ConfigValueType.OBJECT || c.valueType() == ConfigValueType.LIST
                    || c.valueType() == ConfigValueType.NULL) {
                throw new ConfigError(s.key(axis) + ": values must be numbers, strings or booleans, got " + c.render());
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        for (ConfigValue c : out) {
            if (!seen.add(text(c))) {
                throw new ConfigError(s.key(axis) + ": " + text(c) + " is listed twice");
            }
        }
        return out;
    }

    private static List<Map<String, ConfigValue>> exclusions(Settings s, Config grid) {
        List<Map<String, ConfigValue>> out = new ArrayList<>();
        List<? extends Config> list;
        try {
            list = grid.getConfigList("exclude");
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigError(s.key("exclude") + ": a list of objects such as {model = stacked, hidden = 256}");
        }
        for (int i = 0; i < list.size(); i++) {
            Map<String, ConfigValue> m = new LinkedHashMap<>();
            for (Map.Entry<String, ConfigValue> e : list.get(i).entrySet()) {
                if (!AXES.containsKey(e.getKey())) {
                    throw new ConfigError(s.key("exclude") + "[" + i + "]." + e.getKey() + ": not a grid axis (axes: "
                            + String.join(", ", AXIS_ORDER) + ")");
                }
                m.put(e.getKey(), e.getValue());
            }
            if (m.isEmpty()) {
                throw new ConfigError(s.key("exclude") + "[" + i + "]: an empty exclusion would exclude every trial");
            }
            out.add(m);
        }
        return out;
    }

    private static boolean excluded(Map<String, ConfigValue> point, List<Map<String, ConfigValue>> exclusions) {
        for (Map<String, ConfigValue> ex : exclusions) {
            boolean all = true;
            for (Map.Entry<String, ConfigValue> e : ex.entrySet()) {
                all &= same(point.get(e.getKey()), e.getValue());
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static boolean same(ConfigValue a, ConfigValue b) {
        if (a.valueType() == ConfigValueType.NUMBER || b.valueType() == ConfigValueType.NUMBER) {
            try {
                return Double.parseDouble(text(a)) == Double.parseDouble(text(b));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return text(a).toLowerCase(Locale.ROOT).equals(text(b).toLowerCase(Locale.ROOT));
    }

    static String text(ConfigValue v) {
        return String.valueOf(v.unwrapped());
    }

    /** One grid point as a resolved trial: axis values over the trial defaults, inapplicable axes reset. */
    private static TrialSpec trial(Settings s, Map<String, ConfigValue> point, Config defaults, Config grid,
                                   String data) {
        Config c = defaults;
        String model = text(point.get("model")).toLowerCase(Locale.ROOT);
        for (Map.Entry<String, ConfigValue> e : point.entrySet()) {
            String axis = e.getKey();
            if ((model.equals(ModelKind.STACKED.key()) && SUN_ONLY.contains(axis))
                    || (model.equals(ModelKind.SUN.key()) && STACKED_ONLY.contains(axis))) {
                continue;
            }
            ConfigValue v = e.getValue();
            if (axis.equals("targets") || axis.equals("feature-sets")) {
                // "a+b" means both: two targets of one model, or feature sets fused early.
                List<String> parts = List.of(text(v).split("\\+", -1));
                v = ConfigValueFactory.fromIterable(parts.stream().map(String::trim).toList());
            }
            c = c.withValue(AXES.get(axis), v);
        }
        for (String k : FIXED) {
            c = c.withValue(k, grid.getValue(k));
        }
        c = c.withValue("data", ConfigValueFactory.fromAnyRef(data)).withValue("output", ConfigValueFactory.fromAnyRef(""));
        return TrialSpec.from(Settings.view(s.key("").replaceAll("\\.$", ""), c));
    }
}
