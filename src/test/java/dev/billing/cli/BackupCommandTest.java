package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup} and {@code restore} refuse what they cannot use before the engine starts: one line, exit 2. */
class BackupCommandTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryThatIsNotEmptyOrHoldsNoBackupIsRefusedInOneLine() throws Exception {
        Files.writeString(dir.resolve("x"), "x");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Fixtures.cli(out, err).execute("backup", "--to", dir.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("error: " + dir + " is not empty; give a new or empty directory for the"
                + " backup" + System.lineSeparator());

        err.reset();
        assertThat(Fixtures.cli(out, err).execute("restore", "--from", dir.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("error: " + dir + " holds no backup (no manifest.properties);"
                + " give the directory 'backup --to' wrote" + System.lineSeparator());
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
