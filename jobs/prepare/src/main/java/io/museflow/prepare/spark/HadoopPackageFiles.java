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
    private transient FileSystem fs;

    HadoopPackageFiles(String root) {
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    private FileSystem fs() throws IOException {
        if (fs == null) {
            fs = new Path(root).getFileSystem(new Configuration());
        }
        return fs;
    }

    private Path path(String relative) {
        return relative.isEmpty() ? new Path(root) : new Path(root, relative);
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
