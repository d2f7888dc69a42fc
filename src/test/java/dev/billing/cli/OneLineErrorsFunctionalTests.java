package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineProcess;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors a user meets are one line on the terminal: no stack trace, no SQL, no library's log lines, unless
 * {@code --debug}. Each runs in a JVM of its own, as a user runs the engine.
 */
@Tag("process")
class OneLineErrorsFunctionalTests {

    @TempDir
    Path dir;

    @Test
    void aDatabaseThatCannotBeReachedIsOneLine() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        Path password = java.nio.file.Files.writeString(dir.resolve("db-password"), "x");
        java.nio.file.Files.setPosixFilePermissions(password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path log = EngineProcess.log("one-line-database.log");
        Process engine = EngineProcess.start(log, "jobs", "list", "--billing.data-dir=" + dir.resolve("data"),
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + closed + "/postgres",
                "--spring.datasource.username=postgres", "--spring.datasource.password-file=" + password,
                "--spring.datasource.hikari.initialization-fail-timeout=1");
        assertThat(engine.waitFor(2, TimeUnit.MINUTES)).isTrue();

        String output = EngineProcess.output(log);
        assertThat(engine.exitValue()).as(output).isEqualTo(1);
        assertThat(output.lines().filter(l -> !l.startsWith("OpenJDK")).toList()).as(output).hasSize(1)
                .first().asString().startsWith("error: cannot reach the database (Connection refused); check spring.datasource.url");
    }

    @Test
    void aDateTheDatabaseCannotStoreIsAUsageErrorNotSql() throws Exception {
        Path log = EngineProcess.log("one-line-date.log");
        Process engine = EngineProcess.start(log, "run", "reconcile", "--date", "+999999999-12-31",
                "--billing.data-dir=" + dir.resolve("data"), "--billing.reports.dir=" + dir.resolve("reports"));
        assertThat(engine.waitFor(2, TimeUnit.MINUTES)).isTrue();

        String output = EngineProcess.output(log);
        assertThat(engine.exitValue()).as(output).isEqualTo(2);
        assertThat(output.lines().filter(l -> !l.startsWith("OpenJDK")).toList()).as(output)
                .containsExactly("error: --date +999999999-12-31 is outside 2000-01-01 to 2100-12-31");
    }
}
