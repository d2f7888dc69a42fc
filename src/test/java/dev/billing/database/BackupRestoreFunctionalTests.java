package dev.billing.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineProcess;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup} while a night charges (in JVMs of their own, on one data directory), {@code restore} into a new data
 * directory, then the night resumed there and the next night run: every order is charged exactly once, at the gateway
 * and in the ledger. The built-in simulator keeps its records in the same database, so the restored gateway is the one
 * of the backup's instant: the test proves the copy consistent (ledger and gateway as of one instant) and resumable.
 */
@Tag("process")
class BackupRestoreFunctionalTests {

    private static final LocalDate D = LocalDate.of(2026, 11, 30);
    private static final int ORDERS = 600;

    @TempDir
    Path dir;

    private static String run(String name, String... args) throws Exception {
        Path log = EngineProcess.log(name);
        Process process = EngineProcess.start(log, args);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as(name).isTrue();
        String output = EngineProcess.output(log);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void aBackupTakenDuringANightIsRestoredAndTheNightsGoOnChargingNothingTwice() throws Exception {
        Path data = dir.resolve("data");
        Path tokens = dir.resolve("tokens.csv");
        Path orders = dir.resolve("orders.csv");
        try (BufferedWriter out = Files.newBufferedWriter(tokens)) {
            out.write("token_name,customer_id,customer_email,card_mask,card_expiry,created_at,status,agreement_id\n");
            for (int t = 0; t < 30; t++) {
                out.write("tok-" + t + ",C" + t + ",c" + t + "@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,VERIFIED,AGR-" + t + "\n");
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(orders)) {
            out.write("order_id,customer_id,token_name,amount,currency,status,charge_on\n");
            for (int i = 0; i < ORDERS; i++) {
                out.write("B-" + i + ",C" + i % 30 + ",tok-" + i % 30 + ",10.00,AED,SHIPPED,\n");
            }
        }
        String at = "--billing.data-dir=" + data;
        run("backup-import.log", "import", "--tokens", tokens.toString(), "--orders", orders.toString(), at,
                "--billing.reports.dir=" + dir.resolve("reports"));

        Path nightLog = EngineProcess.log("backup-night.log");
        Process night = EngineProcess.start(nightLog, "run", "nightly", "--date", D.toString(), at, "--billing.reports.dir=" + dir.resolve("reports"),
                "--billing.simulator.latency=120ms", "--billing.gateway.max-concurrency=8");
        Path backup = dir.resolve("backup");
        String backedUp;
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .failFast("the night ended early:\n" + EngineProcess.output(nightLog), () -> !night.isAlive())
                    .until(() -> DataDirectoryQueries.count(data, "SELECT count(*) FROM orders WHERE status = 'PAID'") >= 60);
            backedUp = run("backup.log", "backup", "--to", backup.toString(), at);
            assertThat(night.isAlive()).as("the backup was taken while the night charged").isTrue();
            assertThat(night.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(night.exitValue()).as(EngineProcess.output(nightLog)).isZero();
        } finally {
            night.destroyForcibly();
        }
        assertThat(backedUp).containsPattern("backup of schema version \\d+ written to .*: \\d+ tables, [\\d,]+ rows, \\d+ sequences");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(backup)) {
            assertThat(files.toList()).hasSizeGreaterThan(20)
                    .allSatisfy(f -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------"));
        }

        Path restored = dir.resolve("restored");
        String at2 = "--billing.data-dir=" + restored;
        String restoreOutput = run("restore.log", "restore", "--from", backup.toString(), at2);
        Matcher resumed = Pattern.compile("execution (\\d+) \\(nightly\\) was running at the backup: now FAILED; 'jobs restart \\d+' resumes it")
                .matcher(restoreOutput);
        assertThat(resumed.find()).as(restoreOutput).isTrue();
        Process again = EngineProcess.start(EngineProcess.log("restore-again.log"), "restore", "--from", backup.toString(), at2);
        assertThat(again.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(again.exitValue()).as("a database that is not empty is refused").isEqualTo(2);

        run("restored-restart.log", "jobs", "restart", resumed.group(1), at2, "--billing.reports.dir=" + dir.resolve("reports2"));
        run("restored-next-night.log", "run", "nightly", "--date", D.plusDays(1).toString(), at2,
                "--billing.reports.dir=" + dir.resolve("reports2"));

        assertThat(EmbeddedPostgresServer.startOrJoin(restored, Duration.ofMinutes(1)).port()).isPositive();
        try {
            assertThat(DataDirectoryQueries.count(restored, "SELECT count(*) FROM orders WHERE status = 'PAID'")).isEqualTo(ORDERS);
            assertThat(DataDirectoryQueries.count(restored, """
                    SELECT count(*) FROM (SELECT order_id FROM payment_attempts WHERE kind = 'CHARGE' AND state = 'SUCCEEDED'
                                          GROUP BY order_id HAVING count(*) > 1) twice""")).as("charged twice in the ledger").isZero();
            assertThat(DataDirectoryQueries.count(restored, """
                    SELECT count(*) FROM (SELECT substring(merchant_reference FROM '^CH-(.*)-[0-9]+$') FROM aps_simulator.orders
                                          WHERE command = 'PURCHASE' AND captured_amount > 0 GROUP BY 1 HAVING count(*) > 1) twice"""))
                    .as("charged twice at the gateway").isZero();
            assertThat(DataDirectoryQueries.count(restored, """
                    SELECT count(DISTINCT substring(merchant_reference FROM '^CH-(.*)-[0-9]+$')) FROM aps_simulator.orders
                    WHERE command = 'PURCHASE' AND captured_amount > 0 AND merchant_reference LIKE 'CH-%'""")).isEqualTo(ORDERS);
            assertThat(DataDirectoryQueries.count(restored, "SELECT count(DISTINCT order_id) FROM payment_attempts WHERE kind = 'CHARGE' AND state = 'SUCCEEDED'"))
                    .isEqualTo(ORDERS);
        } finally {
            EmbeddedPostgresServer.stopIfRunning(restored);
        }
    }
}
