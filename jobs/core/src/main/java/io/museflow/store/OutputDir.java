package io.museflow.store;

import io.museflow.job.CodeVersion;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.museflow.data.InputDataException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A job output that appears only when complete: everything is written under a hidden temporary
 * sibling, the manifest last, and the folder is then renamed into place. An existing output is
 * kept when it holds the same run, refused when it holds a different one (unless overwriting), and
 * never touched when it is not a museflow output at all.
 */
public final class OutputDir {
    public static final String MANIFEST = "_museflow.json";

    public enum State { ABSENT, SAME_RUN, DIFFERENT_RUN }

    private final FileSystem fs;
    private final Path target;
    private final Path temp;
    private final String kind;

    public OutputDir(String target, String kind, Configuration conf) throws IOException {
        this.target = new Path(target);
        this.fs = this.target.getFileSystem(conf);
        this.kind = kind;
        this.temp = AtomicFiles.temporarySibling(this.target, "tmp");
    }

    public String tempUri() {
        return fs.makeQualified(temp).toString();
    }

    public String targetUri() {
        return fs.makeQualified(target).toString();
    }

    /** What the target holds, compared by run key; throws for a non-museflow folder or another kind. */
    public State check(String runKey, boolean overwrite, String overwriteKey) throws IOException {
        if (!fs.exists(target)) {
            return State.ABSENT;
        }
        if (fs.isDirectory(target) && fs.listStatus(target).length == 0) {
            return State.ABSENT;
        }
        JsonNode m = manifest(target);
        if (m == null || !kind.equals(m.path("kind").asText())) {
            throw new InputDataException("output " + targetUri() + " exists and is not a museflow " + kind
                    + " output; refusing to touch it (choose another output)");
        }
        if (runKey.equals(m.path("run_key").asText())) {
            return State.SAME_RUN;
        }
        if (!overwrite) {
            throw new InputDataException("output " + targetUri() + " already holds a different " + kind + " run (created "
                    + m.path("created").asText() + " from " + m.path("input").asText() + "); set " + overwriteKey
                    + " = true to replace it, or choose another output");
        }
        return State.DIFFERENT_RUN;
    }

    public JsonNode targetManifest() throws IOException {
        return manifest(target);
    }

    private JsonNode manifest(Path dir) throws IOException {
        Path p = new Path(dir, MANIFEST);
        if (!fs.exists(p)) {
            return null;
        }
        try (InputStream in = fs.open(p)) {
            return AtomicFiles.JSON.readTree(in);
        }
    }

    public ObjectNode newManifest(String runKey) {
        ObjectNode m = AtomicFiles.JSON.createObjectNode();
        m.put("kind", kind);
        m.put("format", 1);
        m.put("run_key", runKey);
        m.put("created", java.time.Instant.now().toString());
        m.put("code_version", CodeVersion.get());
        return m;
    }

    /** Writes the manifest into the temporary folder, last, and moves it into place, replacing an old run. */
    public void commit(ObjectNode manifest) throws IOException {
        fs.mkdirs(temp);
        AtomicFiles.writeJson(new Path(temp, MANIFEST), manifest, fs.getConf());
        AtomicFiles.moveReplacing(temp, target, fs.getConf());
    }

    /** Removes the temporary folder after a failure: nothing half-written stays behind. */
    public void abort() {
        try {
            fs.delete(temp, true);
        } catch (IOException e) {
            System.err.println("could not remove temporary output " + temp + ": " + e.getMessage());
        }
    }

    public static String sha256(Iterable<String> lines) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (String l : lines) {
                md.update(l.getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
