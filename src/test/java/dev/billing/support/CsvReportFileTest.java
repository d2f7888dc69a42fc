package dev.billing.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code .sha256} beside a report names the file and holds the digest of every byte of it, however long. */
class CsvReportFileTest {

    @Test
    void checksumCoversAFileOfManyBuffers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("transactions-2026-11-27.csv");
        CsvReportFile.write(file, new String[] {"n", "text"}, csv -> {
            for (int i = 0; i < 20_000; i++) {
                csv.writeNext(new String[] {Integer.toString(i), "row ü " + i}, false);
            }
        });

        byte[] written = Files.readAllBytes(file);
        assertThat(written.length).as("several 64 KiB buffers and a part of one").isGreaterThan(5 * 64 * 1024);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(written));
        assertThat(Files.readString(file.resolveSibling("transactions-2026-11-27.csv.sha256"), StandardCharsets.US_ASCII))
                .isEqualTo(expected + "  transactions-2026-11-27.csv\n");
    }
}
