package io.museflow.job;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** museflow version and git commit, baked in at build time; recorded in every output's provenance. */
public final class CodeVersion {
    private static final String VERSION = load();

    private CodeVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = CodeVersion.class.getResourceAsStream("/museflow-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        String version = p.getProperty("version", "unknown");
        String commit = p.getProperty("commit", "");
        boolean dirty = "true".equals(p.getProperty("dirty"));
        return commit.isEmpty() || commit.startsWith("$") ? version
                : version + "+" + commit + (dirty ? "-dirty" : "");
    }
}
