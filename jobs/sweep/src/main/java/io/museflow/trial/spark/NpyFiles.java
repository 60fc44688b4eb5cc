package io.museflow.trial.spark;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * NumPy {@code .npy} files (format 1.0, little-endian, c order): how museflow hands a trial's arrays
 * to another framework without a Parquet reader on its side.
 */
final class NpyFiles {
    private NpyFiles() {
    }

    static void writeFloats(Path file, float[] values, int... shape) throws IOException {
        check(values.length, shape, file);
        try (OutputStream out = header(file, "<f4", shape)) {
            ByteBuffer b = ByteBuffer.allocate(4 * 8192).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; i++) {
                b.putFloat(values[i]);
                if (!b.hasRemaining() || i == values.length - 1) {
                    out.write(b.array(), 0, b.position());
                    b.clear();
                }
            }
        }
    }

    static void writeInts(Path file, int[] values, int... shape) throws IOException {
        check(values.length, shape, file);
        try (OutputStream out = header(file, "<i4", shape)) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : values) {
                b.putInt(v);
            }
            out.write(b.array());
        }
    }

    private static void check(int length, int[] shape, Path file) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        if (n != length) {
            throw new IllegalArgumentException(file + ": " + length + " values do not fill shape " + Arrays.toString(shape));
        }
    }

    private static OutputStream header(Path file, String dtype, int[] shape) throws IOException {
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + dims
                + (shape.length == 1 ? "," : "") + "), }";
        int unpadded = 10 + dict.length() + 1; // magic, version, header length, dict, newline
        String padded = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        out.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        int len = padded.length();
        out.write(new byte[]{(byte) (len & 0xff), (byte) (len >> 8)});
        out.write(padded.getBytes(StandardCharsets.US_ASCII));
        return out;
    }
}
