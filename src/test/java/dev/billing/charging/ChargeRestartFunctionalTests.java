package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineProcess;
import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.operations.JobControl;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * After Spring Batch's RestartFunctionalTests, with a real process: charge-orders runs in a JVM of its own (with
 * its in-process simulator answering after 50 ms) on thousands of orders and is killed part-way, with SIGKILL or
 * SIGTERM; the operator's commands finish the night; every order is charged exactly once at the gateway. The
 * simulator keeps its records in the database, so the one in this JVM knows what the killed one charged.
 */
@EngineTest
class ChargeRestartFunctionalTests {

    /** Settings added to the engine JVMs this test starts (none here; a subclass may have them notify this JVM). */
    protected String[] childSettings() {
        return new String[0];
    }

    /**
     * The orders charged: thousands. A subclass that has every call notify this JVM may take fewer, since this JVM then
     * settles a notification of each call besides.
     */
    protected int orders() {
        return 4000;
    }

    private static final LocalDate D = LocalDate.of(2026, 11, 27);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobControl jobControl;
    @Autowired
    ApsClient inProcessGateway;

    private Fixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.manyOrders(orders(), 400);
    }

    private Process startCharging(String logName) throws Exception {
        return startCharging(logName, 50);
    }

    private Process startCharging(String logName, int latencyMs) throws Exception {
        Path log = EngineProcess.log(logName);
        Process engine = EngineProcess.start(log, Fixtures.concat(new String[] {"run", "charge-orders", "--date", D.toString(),
            "--billing.simulator.latency=" + latencyMs + "ms"}, childSettings()));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                .failFast("the engine ended before it could be stopped:\n" + EngineProcess.output(log), () -> !engine.isAlive())
                .until(() -> jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class) >= 500);
        return engine;
    }

    private long lastExecution() {
        return jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);
    }

    private void assertEveryOrderChargedExactlyOnce() {
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isEqualTo(orders());
        assertThat(fixtures.gatewaySuccessesPerOrder()).hasSize(orders()).allSatisfy((order, n) -> assertThat(n).as(order).isEqualTo(1));
        assertThat(fixtures.unresolved()).isZero();
        assertThat(fixtures.totalsMismatch()).isEmpty();
    }

    @Test
    void killedWithSigkillThenRecoveredAndRestarted() throws Exception {
        Process engine = startCharging("charge-sigkill.log");
        engine.destroyForcibly();
        assertThat(engine.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long id = lastExecution();
        assertThat(jobControl.get(id).getStatus()).isEqualTo(BatchStatus.STARTED);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isLessThan(orders());

        assertThat(jobControl.recover()).singleElement().satisfies(r -> assertThat(r.recovered()).isTrue());
        JobExecution restarted = jobControl.restart(id);

        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertEveryOrderChargedExactlyOnce();
    }

    @Test
    void stoppedWithSigtermThenRestarted() throws Exception {
        Process engine = startCharging("charge-sigterm.log");
        engine.destroy();
        assertThat(engine.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long id = lastExecution();
        assertThat(jobControl.get(id).getStatus()).as(EngineProcess.output(EngineProcess.log("charge-sigterm.log")))
                .isEqualTo(BatchStatus.STOPPED);
        assertThat(engine.exitValue()).isEqualTo(1);
        assertThat(fixtures.unresolved()).as("the calls in flight were recorded, and what was never sent withdrawn").isZero();

        JobExecution restarted = jobControl.restart(id);

        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertEveryOrderChargedExactlyOnce();
    }

    @Test
    void twoRunsAtOnceCannotBothCharge() throws Exception {
        Process first = startCharging("charge-first.log");
        // the first run is paused (SIGSTOP) while the others try, so that it is still running however long they take
        // to start, and resumed (SIGCONT) after: it holds its execution and its locks throughout, as a slow run does
        signal("STOP", first);
        ByteArrayOutputStream sameDateOutput = new ByteArrayOutputStream();
        ByteArrayOutputStream otherDateOutput = new ByteArrayOutputStream();
        int sameDate;
        int otherDate;
        try {
            sameDate = Fixtures.cli(sameDateOutput, sameDateOutput).execute(Fixtures.concat(new String[] {"run", "charge-orders", "--date",
                D.toString()}, childSettings()));
            otherDate = Fixtures.cli(otherDateOutput, otherDateOutput).execute(Fixtures.concat(new String[] {"run", "charge-orders",
                "--date", D.plusDays(1).toString()}, childSettings()));
            assertThat(first.isAlive()).as("the first run was still charging while the others tried").isTrue();
        } finally {
            signal("CONT", first);
        }
        assertThat(first.waitFor(3, TimeUnit.MINUTES)).isTrue();

        assertThat(first.exitValue()).as(EngineProcess.output(EngineProcess.log("charge-first.log"))).isZero();
        assertThat(sameDate).isEqualTo(1);
        assertThat(sameDateOutput.toString(StandardCharsets.UTF_8)).contains("already running as execution");
        assertThat(otherDate).isEqualTo(1);
        assertThat(otherDateOutput.toString(StandardCharsets.UTF_8)).contains("another charge-orders run is in progress");
        assertEveryOrderChargedExactlyOnce();
    }

    private static void signal(String signal, Process process) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor()).isZero();
    }
}
