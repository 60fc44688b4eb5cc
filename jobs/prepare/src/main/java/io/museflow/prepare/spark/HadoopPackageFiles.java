package io.museflow.prepare.spark;

import io.museflow.prepare.PackageFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A MuSe package on any Hadoop file system. Serializable so that tasks can carry it; the file
 * system handle is looked up lazily on each executor.
 */
final class HadoopPackageFiles implements PackageFiles, Serializable {
    private static final long serialVersionUID = 1L;
    private final String root;
    private final String qualified;
    private transient FileSystem fs;

    /**
     * {@code root} as the user wrote it (what messages name) and {@code qualified}, the same folder
     * as the driver resolves it (what tasks open: an executor's working folder is not the driver's).
     */
    HadoopPackageFiles(String root, String qualified) {
        this.root = withoutSlash(root);
        this.qualified = withoutSlash(qualified);
    }

    private static String withoutSlash(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private FileSystem fs() throws IOException {
        if (fs == null) {
            fs = new Path(qualified).getFileSystem(new Configuration());
        }
        return fs;
    }

    private Path path(String relative) {
        return relative.isEmpty() ? new Path(qualified) : new Path(qualified, relative);
    }

    @Override
    public String root() {
        return root;
    }

    @Override
    public boolean isFile(String relative) throws IOException {
        return fs().isFile(path(relative));
    }

    @Override
    public boolean isDirectory(String relative) throws IOException {
        return fs().isDirectory(path(relative));
    }

    @Override
    public List<String> list(String relative) throws IOException {
        List<String> out = new ArrayList<>();
        for (FileStatus s : fs().listStatus(path(relative))) {
            out.add(s.getPath().getName());
        }
        out.sort(null);
        return out;
    }

    @Override
    public long size(String relative) throws IOException {
        return fs().getFileStatus(path(relative)).getLen();
    }

    @Override
    public InputStream open(String relative) throws IOException {
        return fs().open(path(relative), 1 << 16);
    }
}
