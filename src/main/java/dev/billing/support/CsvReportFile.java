package dev.billing.support;

import com.opencsv.ICSVWriter;
import java.io.IOException;
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
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(target));
            String line = HexFormat.of().formatHex(digest) + "  " + target.getFileName() + "\n";
            AtomicFiles.write(target.resolveSibling(target.getFileName() + ".sha256"), w -> w.write(line));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read back " + target, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
