package io.museflow.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one way museflow puts a file or a folder in place: its content is written under a hidden
 * temporary sibling ({@code .<name>.<random>.tmp}: Spark, Parquet and museflow's own listings skip
 * names starting with '.'), then renamed to the target. Readers never see a half-written file, and
 * the temporary is removed whatever happens.
 *
 * <p>{@link #commitOnce} renames without overwrite: when two attempts of one task race (a retry after
 * an executor was lost, speculation), the first rename wins and the second attempt's content is
 * dropped. {@link #commitReplacing} is for outputs a rerun rewrites (a sweep's summary, a trial's
 * folder): the old target is moved aside, and deleted only once the new one is in place.
 */
public final class AtomicFiles {
    /** Every JSON document museflow writes (manifests, provenance): escaped by the library, pretty-printed. */
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AtomicFiles() {
    }

    /** Writes a file or a folder at the temporary path it is given. */
    public interface Content {
        void writeTo(Path temporary) throws IOException;
    }

    /** A hidden, unique sibling of {@code target} to write into. */
    public static Path temporarySibling(Path target, String purpose) {
        return new Path(target.getParent(), "." + target.getName() + "." + purpose + "-"
                + UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * Writes {@code content} and renames it to {@code target} without overwrite. Returns false when
     * {@code target} already existed (another attempt committed it first); its content is then kept.
     */
    public static boolean commitOnce(Path target, Configuration conf, Content content) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        fs.mkdirs(target.getParent());
        Path tmp = temporarySibling(target, "tmp");
        try {
            content.writeTo(tmp);
            return renameNoOverwrite(tmp, target, conf);
        } finally {
            fs.delete(tmp, true);
        }
    }

    /** Writes {@code content} and puts it in place of {@code target}, whether or not that existed. */
    public static void commitReplacing(Path target, Configuration conf, Content content) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        fs.mkdirs(target.getParent());
        Path tmp = temporarySibling(target, "tmp");
        try {
            content.writeTo(tmp);
            moveReplacing(tmp, target, conf);
        } finally {
            fs.delete(tmp, true);
        }
    }

    /**
     * Moves a finished temporary file or folder (written in steps, e.g. by Spark) to {@code target},
     * replacing what was there: the old target goes aside first and is deleted only once the new
     * one is in place; if the move fails, the old one is put back.
     */
    public static void moveReplacing(Path tmp, Path target, Configuration conf) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        Path old = null;
        if (fs.exists(target)) {
            old = temporarySibling(target, "old");
            if (!fs.rename(target, old)) {
                throw new IOException("could not move the previous " + target + " aside to " + old);
            }
        }
        boolean moved = false;
        try {
            moved = renameNoOverwrite(tmp, target, conf);
            if (!moved) {
                throw new IOException(target + " appeared while it was being replaced (another job writing it?)");
            }
        } finally {
            if (old != null) {
                if (moved) {
                    fs.delete(old, true);
                } else if (!fs.exists(target)) {
                    fs.rename(old, target);
                }
            }
        }
    }

    /** Writes a JSON document (UTF-8, pretty-printed) to {@code file}; the caller's temporary path. */
    public static void writeJson(Path file, JsonNode document, Configuration conf) throws IOException {
        try (FSDataOutputStream o = file.getFileSystem(conf).create(file, false)) {
            o.write(JSON.writeValueAsString(document).getBytes(StandardCharsets.UTF_8));
            o.write('\n');
        }
    }

    /**
     * Removes the temporary files that attempts which died (a killed executor, a killed driver) left
     * in {@code folder}: the hidden {@code .<name>.tmp-<random>} siblings and their checksum files.
     * Only for a folder no task writes into any more (a job's output after its last task ended).
     * Returns how many entries it removed.
     */
    public static int removeAbandoned(Path folder, Configuration conf) throws IOException {
        FileSystem fs = folder.getFileSystem(conf);
        // A checksummed file system (the local one) hides .crc files from its listings, and an attempt
        // killed between renaming a file and renaming its checksum leaves the temporary's .crc behind.
        if (fs instanceof ChecksumFileSystem checksummed) {
            fs = checksummed.getRawFileSystem();
        }
        if (!fs.exists(folder)) {
            return 0;
        }
        int removed = 0;
        for (FileStatus f : fs.listStatus(folder)) {
            if (ABANDONED.matcher(f.getPath().getName()).matches() && fs.delete(f.getPath(), true)) {
                removed++;
            }
        }
        return removed;
    }

    /** The name of a temporary sibling ({@link #temporarySibling} with purpose "tmp") or of its checksum file. */
    private static final Pattern ABANDONED =
            Pattern.compile("\\.\\.?.+\\.tmp-[0-9a-f]{8}(\\.crc)?");

    /** Renames without overwrite; false when {@code to} exists. */
    public static boolean renameNoOverwrite(Path from, Path to, Configuration conf) throws IOException {
        try {
            FileContext.getFileContext(to.toUri(), conf).rename(from, to, Options.Rename.NONE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }
}
