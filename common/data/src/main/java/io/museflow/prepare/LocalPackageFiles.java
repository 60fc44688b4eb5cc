package io.museflow.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A MuSe package in a local folder (tests and single-machine tools). */
public final class LocalPackageFiles implements PackageFiles, java.io.Serializable {
    private final String root;

    public LocalPackageFiles(Path root) {
        this.root = root.toString();
    }

    private Path path(String relative) {
        return relative.isEmpty() ? Path.of(root) : Path.of(root, relative);
    }

    @Override
    public String root() {
        return root;
    }

    @Override
    public boolean isFile(String relative) {
        return Files.isRegularFile(path(relative));
    }

    @Override
    public boolean isDirectory(String relative) {
        return Files.isDirectory(path(relative));
    }

    @Override
    public List<String> list(String relative) throws IOException {
        try (Stream<Path> s = Files.list(path(relative))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public long size(String relative) throws IOException {
        return Files.size(path(relative));
    }

    @Override
    public InputStream open(String relative) throws IOException {
        return Files.newInputStream(path(relative));
    }
}
