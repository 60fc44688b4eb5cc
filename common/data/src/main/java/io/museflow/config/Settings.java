package io.museflow.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, validated access to one section of the configuration (e.g. {@code museflow.prepare}).
 * Every error names the full key. Loading order: reference.conf, then {@code --config FILE}, then
 * {@code key=value} arguments (keys relative to the section, or full paths).
 */
public final class Settings {
    private final String section;
    private final Config config;

    private Settings(String section, Config config) {
        this.section = section;
        this.config = config;
    }

    /** Loads a section from command-line arguments; unknown keys are errors. */
    public static Settings load(String section, List<String> args) {
        Config overrides = ConfigFactory.empty();
        Config file = ConfigFactory.empty();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--config") || a.equals("-c")) {
                if (i + 1 >= args.size()) {
                    throw new ConfigError(a + " needs a file name");
                }
                File f = new File(args.get(++i));
                if (!f.isFile()) {
                    throw new ConfigError("config file " + f + " does not exist");
                }
                try {
                    file = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false))
                            .withFallback(file);
                } catch (ConfigException e) {
                    throw new ConfigError("config file " + f + ": " + e.getMessage());
                }
            } else if (a.contains("=") && !a.startsWith("-")) {
                String key = a.substring(0, a.indexOf('=')).trim();
                String value = a.substring(a.indexOf('=') + 1);
                String path = key.startsWith("museflow.") ? key : section + "." + key;
                try {
                    overrides = ConfigFactory.parseString(path + " = " + quoteIfNeeded(value)).withFallback(overrides);
                } catch (ConfigException e) {
                    throw new ConfigError("argument " + a + ": " + e.getMessage());
                }
            } else {
                throw new ConfigError("unknown argument '" + a + "' (expected --config FILE or key=value)");
            }
        }
        return of(section, overrides.withFallback(file));
    }

    /** The section from user settings over reference.conf. */
    public static Settings of(String section, Config user) {
        Config reference = ConfigFactory.defaultReference(Settings.class.getClassLoader());
        checkUnknown(user, reference, section);
        Config resolved;
        try {
            resolved = user.withFallback(reference).resolve();
        } catch (ConfigException e) {
            throw new ConfigError(e.getMessage());
        }
        return new Settings(section, resolved.getConfig(section));
    }

    private static String quoteIfNeeded(String value) {
        String v = value.trim();
        if (v.startsWith("[") || v.startsWith("{") || v.startsWith("\"")) {
            return v;
        }
        // A plain word or number becomes a quoted string; Config converts it on typed access.
        return com.typesafe.config.ConfigValueFactory.fromAnyRef(v).render(ConfigRenderOptions.concise());
    }

    /** Keys the user set under {@code section} that reference.conf does not know. Free-form maps are skipped. */
    private static void checkUnknown(Config user, Config reference, String section) {
        if (!user.hasPath(section)) {
            return;
        }
        Config ref = reference.getConfig(section);
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : user.getConfig(section).entrySet()) {
            String key = e.getKey();
            if (ref.hasPath(key) || isUnderFreeMap(ref, key)) {
                continue;
            }
            unknown.add(section + "." + key);
        }
        if (!unknown.isEmpty()) {
            throw new ConfigError("unknown configuration key(s): " + String.join(", ", unknown));
        }
    }

    /** Under an empty object in reference.conf (e.g. {@code alignment.sets {}}) any key is allowed. */
    private static boolean isUnderFreeMap(Config ref, String key) {
        String[] parts = key.split("\\.");
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            if (i > 0) {
                prefix.append('.');
            }
            prefix.append(parts[i]);
            String p = prefix.toString();
            if (ref.hasPath(p) && ref.getValue(p).valueType() == ConfigValueType.OBJECT && ref.getConfig(p).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Typed access to a configuration built by the program (e.g. one point of a sweep grid over the
     * trial defaults); errors name keys under {@code label}, the section the user actually wrote.
     */
    public static Settings view(String label, Config config) {
        return new Settings(label, config);
    }

    public String key(String k) {
        return section + "." + k;
    }

    public Config raw() {
        return config;
    }

    /** The resolved section as HOCON/JSON, for provenance. */
    public String render() {
        return config.root().render(ConfigRenderOptions.concise().setFormatted(true));
    }

    public String string(String k) {
        try {
            String s = config.getString(k);
            if (s.isBlank()) {
                throw new ConfigError(key(k) + ": must not be empty");
            }
            return s;
        } catch (ConfigException e) {
            throw new ConfigError(key(k) + ": " + reason(e));
        }
    }

    public String choice(String k, String... allowed) {
        String s = string(k).toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        throw new ConfigError(key(k) + ": '" + s + "' is not one of " + String.join(", ", allowed));
    }

    public boolean bool(String k) {
        try {
            return config.getBoolean(k);
        } catch (ConfigException e) {
            throw new ConfigError(key(k) + ": " + reason(e));
        }
    }

    public long integer(String k, long min, long max) {
        long v;
        try {
            v = config.getLong(k);
        } catch (ConfigException e) {
            throw new ConfigError(key(k) + ": " + reason(e));
        }
        if (v < min || v > max) {
            throw new ConfigError(key(k) + ": " + v + " is outside [" + min + ", " + max + "]");
        }
        return v;
    }

    public double number(String k, double min, double max) {
        double v;
        try {
            v = config.getDouble(k);
        } catch (ConfigException e) {
            throw new ConfigError(key(k) + ": " + reason(e));
        }
        if (!(v >= min && v <= max)) {
            throw new ConfigError(key(k) + ": " + v + " is outside [" + min + ", " + max + "]");
        }
        return v;
    }

    public List<String> strings(String k) {
        try {
            return List.copyOf(config.getStringList(k));
        } catch (ConfigException e) {
            throw new ConfigError(key(k) + ": " + reason(e));
        }
    }

    /** A free-form map of scalars (e.g. per feature set switches). Keys with dots must be quoted in HOCON. */
    public Map<String, String> scalarMap(String k) {
        try {
            Config c = config.getConfig(k);
            Map<String, String> out = new java.util.TreeMap<>();
            for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
                Object v = e.getValue().unwrapped();
                out.put(String.join(".", com.typesafe.config.ConfigUtil.splitPath(e.getKey())), String.valueOf(v));
            }
            return out;
        } catch (ConfigException e) {
            throw new ConfigError(key(k) + ": " + reason(e));
        }
    }

    public List<Settings> objects(String k) {
        try {
            List<Settings> out = new ArrayList<>();
            List<? extends Config> list = config.getConfigList(k);
            for (int i = 0; i < list.size(); i++) {
                out.add(new Settings(key(k) + "[" + i + "]", list.get(i)));
            }
            return out;
        } catch (ConfigException e) {
            throw new ConfigError(key(k) + ": " + reason(e));
        }
    }

    private static String reason(ConfigException e) {
        String m = e.getMessage();
        int colon = m.lastIndexOf(": ");
        return colon >= 0 && colon + 2 < m.length() ? m.substring(colon + 2) : m;
    }
}
