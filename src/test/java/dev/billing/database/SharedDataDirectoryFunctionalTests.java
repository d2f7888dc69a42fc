package dev.billing.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineProcess;
import dev.billing.database.EmbeddedPostgresServer.Postmaster;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three engine processes on one data directory: the first runs the embedded PostgreSQL, a second one started
 * meanwhile shares it, and after the first is killed with SIGKILL a third adopts the server it left behind
 * (never a second server on the same files), recovers the killed execution, and stops the server when it ends.
 */
@Tag("process")
class SharedDataDirectoryFunctionalTests {

    @TempDir
    Path dir;

    @Test
    void processesShareTheEmbeddedDatabaseAndAdoptItAfterACrash() throws Exception {
        Path dataDir = dir.resolve("data");
        Path tokens = dir.resolve("tokens.csv");
        Path orders = dir.resolve("orders.csv");
        try (BufferedWriter out = Files.newBufferedWriter(tokens)) {
            out.write("token_name,customer_id,customer_email,card_mask,card_expiry,created_at\n");
            out.write("tok-1,C1,c@example.com,400555******0001,05/29,2026-01-01T00:00:00Z\n");
        }
        try (BufferedWriter out = Files.newBufferedWriter(orders)) {
            out.write("order_id,customer_id,token_name,amount,currency,status,charge_on\n");
            for (int i = 0; i < 2_000_000; i++) {
                out.write("S-" + i + ",C1,tok-1,10.00,AED,SHIPPED,\n");
            }
        }
        String dataDirArg = "--billing.data-dir=" + dataDir;
        Path logs = EngineProcess.LOGS;

        Process owner = EngineProcess.start(logs.resolve("owner.log"), "import", "--tokens", tokens.toString(),
                "--orders", orders.toString(), dataDirArg, "--billing.reports.dir=" + dir.resolve("reports"));
        try {
            Path pgData = dataDir.resolve("pgdata");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .failFast("the owner ended early:\n" + EngineProcess.output(logs.resolve("owner.log")), () -> !owner.isAlive())
                    .until(() -> DataDirectoryQueries.count(dataDir, "SELECT count(*) FROM orders") > 0);

            Path listLog = logs.resolve("sharer.log");
            Process sharer = EngineProcess.start(listLog, "jobs", "list", dataDirArg);
            assertThat(sharer.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(sharer.exitValue()).as(EngineProcess.output(listLog)).isZero();
            assertThat(EngineProcess.output(listLog)).containsPattern("(?m)^\\d+ +import .*STARTED");
            assertThat(owner.isAlive()).as("the import was still running while the other process used its database").isTrue();

            long postmasterPid = Postmaster.read(pgData).orElseThrow().pid();
            owner.destroyForcibly();
            owner.waitFor(30, TimeUnit.SECONDS);
            assertThat(ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive).orElse(false))
                    .as("PostgreSQL outlives its killed owner").isTrue();

            Path recoverLog = logs.resolve("adopter.log");
            Process adopter = EngineProcess.start(recoverLog, "jobs", "recover", dataDirArg);
            assertThat(adopter.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(adopter.exitValue()).as(EngineProcess.output(recoverLog)).isZero();
            assertThat(EngineProcess.output(recoverLog)).contains("recovered execution").contains("(import): its process is gone, now FAILED");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive).orElse(false));
        } finally {
            owner.destroyForcibly();
            Postmaster.read(dataDir.resolve("pgdata")).filter(Postmaster::isAlive)
                    .ifPresent(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy));
        }
    }

    /**
     * The process that started the server exits normally while another uses it: the server stays up for the others,
     * a third process joins it meanwhile, and the last one to leave stops it.
     */
    @Test
    void theServerOutlivesTheProcessThatStartedItUntilTheLastUserLeaves() throws Exception {
        Path dataDir = dir.resolve("data");
        Path pgData = dataDir.resolve("pgdata");
        Path schedules = Files.createDirectories(dir.resolve("schedules"));
        Files.writeString(schedules.resolve("yearly.yml"), """
                job: nightly
                cron: "0 0 3 1 1 ?"
                zone: UTC
                business-date: previous-day
                catch-up-days: 0
                """);
        String dataDirArg = "--billing.data-dir=" + dataDir;
        Path logs = EngineProcess.LOGS;

        Process owner = EngineProcess.start(logs.resolve("lifetime-owner.log"), "jobs", "list", dataDirArg);
        assertThat(owner.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(Postmaster.read(pgData).filter(Postmaster::isAlive)).as("alone, the owner stops the server when it exits").isEmpty();

        // now the owner is a serve, which runs until this test stops it and then exits normally (0), as a command does
        owner = EngineProcess.start(logs.resolve("lifetime-owner2.log"), "serve", dataDirArg, "--billing.schedules.dir=" + schedules,
                "--server.port=0");
        Process user = null;
        try {
            Process startedBy = owner;
            await().atMost(Duration.ofMinutes(2)).failFast("the owner ended early", () -> !startedBy.isAlive())
                    .until(() -> EngineProcess.output(logs.resolve("lifetime-owner2.log")).contains("serving;"));
            long postmasterPid = Postmaster.read(pgData).orElseThrow().pid();
            user = EngineProcess.start(logs.resolve("lifetime-serve.log"), "serve", dataDirArg,
                    "--billing.schedules.dir=" + schedules, "--server.port=0");
            Process serving = user;
            await().atMost(Duration.ofMinutes(2)).failFast("serve ended", () -> !serving.isAlive())
                    .until(() -> EngineProcess.output(logs.resolve("lifetime-serve.log")).contains("serving;"));
            assertThat(owner.isAlive()).as("serve joined while the owner still ran").isTrue();
            owner.destroy();
            assertThat(owner.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(owner.exitValue()).as(EngineProcess.output(logs.resolve("lifetime-owner2.log"))).isZero();

            assertThat(ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive).orElse(false))
                    .as("the server outlives the process that started it while serve uses it").isTrue();
            Process third = EngineProcess.start(logs.resolve("lifetime-third.log"), "jobs", "list", dataDirArg);
            assertThat(third.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(third.exitValue()).as(EngineProcess.output(logs.resolve("lifetime-third.log"))).isZero();
            assertThat(EngineProcess.output(logs.resolve("lifetime-third.log"))).contains("no job executions yet");
            assertThat(ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive).orElse(false))
                    .as("a process that joined and left does not stop it either").isTrue();
            assertThat(serving.isAlive()).isTrue();

            serving.destroy(); // SIGTERM: serve is the last user
            assertThat(serving.waitFor(90, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive).orElse(false));
        } finally {
            owner.destroyForcibly();
            if (user != null) {
                user.destroyForcibly();
            }
            Postmaster.read(pgData).filter(Postmaster::isAlive)
                    .ifPresent(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy));
        }
    }
}
