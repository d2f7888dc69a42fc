package dev.billing.support;

import com.opencsv.ICSVWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A report CSV as finance gets it: UTF-8, a header row, comma separated, quoted only where needed, written under a
 * temporary name and renamed, with {@code <file>.sha256} beside it (the {@code sha256sum} format).
 */
public final class CsvReportFile {

    @FunctionalInterface
    public interface Rows {
        void writeTo(ICSVWriter csv) throws IOException;
    }

    private CsvReportFile() {
    }

    public static void write(Path target, String[] header, Rows rows) {
        AtomicFiles.write(target, writer -> {
            ICSVWriter csv = new SafeCsvWriter(writer);
            csv.writeNext(header, false);
            rows.writeTo(csv);
            csv.flush();
        });
        try {
            String line = HexFormat.of().formatHex(sha256(target)) + "  " + target.getFileName() + "\n";
            AtomicFiles.write(target.resolveSibling(target.getFileName() + ".sha256"), w -> w.write(line));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read back " + target, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The file's SHA-256, read back a buffer at a time: a night's transactions file is over 100 MB at a million
     * orders, and reading it whole made the JVM commit that much more heap at the end of every night.
     */
    static byte[] sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }
}
