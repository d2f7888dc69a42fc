package dev.billing.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineProcess;
import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.operations.JobControl;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A nightly in a JVM of its own, killed with SIGKILL between a hard decline and the token's deactivation, and while
 * the deactivation is at the gateway; the operator recovers and restarts it: the token is set INACTIVE exactly once.
 */
@EngineTest
class TokenDeactivationRestartFunctionalTests {

    /** Settings added to the engine JVMs this test starts (none here; a subclass may have them notify this JVM). */
    protected String[] childSettings() {
        return new String[0];
    }

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobControl jobControl;

    Fixtures fixtures;

    @BeforeEach
    void reset() {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
        // the dead card's order comes first, so its decline is among the first replies
        fixtures.token("tok-lost-card", "VERIFIED");
        fixtures.order("X-1", "tok-lost-card", 2000, "AED", "SHIPPED", null);
    }

    private Process killedWhen(String logName, int latencyMs, Callable<Boolean> moment) throws Exception {
        Path log = EngineProcess.log(logName);
        Process engine = EngineProcess.start(log, Fixtures.concat(new String[] {"run", "nightly", "--date", NIGHT.toString(),
            "--billing.simulator.latency=" + latencyMs + "ms"}, childSettings()));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                .failFast("the engine ended before it could be killed:\n" + EngineProcess.output(log), () -> !engine.isAlive())
                .until(moment);
        engine.destroyForcibly();
        assertThat(engine.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return engine;
    }

    private void recoverAndRestart() {
        long id = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);
        assertThat(jobControl.get(id).getStatus()).isEqualTo(BatchStatus.STARTED);
        assertThat(jobControl.recover()).singleElement().satisfies(r -> assertThat(r.recovered()).isTrue());
        JobExecution restarted = jobControl.restart(id);
        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    @Test
    void killedBetweenTheDeclineAndTheDeactivation() throws Exception {
        fixtures.manyOrders(3000, 300);

        killedWhen("deactivate-after-decline.log", 50, () -> "INVALID".equals(fixtures.tokenStatus("tok-lost-card")));
        assertThat(fixtures.gatewayDeactivations("tok-lost-card")).as("killed before the deactivation was sent").isZero();

        recoverAndRestart();

        assertThat(fixtures.gatewayDeactivations("tok-lost-card")).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT state FROM payment_attempts WHERE kind = 'TOKEN_DEACTIVATION'", String.class))
                .containsExactly("SUCCEEDED");
        assertThat(fixtures.gatewaySuccessesPerOrder()).hasSize(3000).allSatisfy((order, n) -> assertThat(n).as(order).isEqualTo(1));
        assertThat(fixtures.unresolved()).isZero();
    }

    @Test
    void killedWhileTheDeactivationIsAtTheGateway() throws Exception {
        fixtures.manyOrders(40, 10);

        // the simulator records the request at once and answers after 600 ms: the kill falls in between
        killedWhen("deactivate-in-flight.log", 600, () -> jdbc.queryForObject(
                "SELECT count(*) FROM payment_attempts WHERE kind = 'TOKEN_DEACTIVATION'", Long.class) > 0);
        // open: its reply never came; with notifications on, the gateway's notification may have settled it meanwhile
        assertThat(jdbc.queryForObject("SELECT state FROM payment_attempts WHERE kind = 'TOKEN_DEACTIVATION'", String.class))
                .isIn(childSettings().length == 0 ? List.of("PREPARED") : List.of("PREPARED", "SUCCEEDED"));

        recoverAndRestart();

        assertThat(fixtures.gatewayDeactivations("tok-lost-card")).isEqualTo(1);
        assertThat(fixtures.gatewayTokenStatus("tok-lost-card")).isEqualTo("INACTIVE");
        assertThat(jdbc.queryForList("SELECT attempt || ' ' || state FROM payment_attempts WHERE kind = 'TOKEN_DEACTIVATION'", String.class))
                .containsExactly("1 SUCCEEDED");
        assertThat(fixtures.gatewaySuccessesPerOrder()).hasSize(40).allSatisfy((order, n) -> assertThat(n).as(order).isEqualTo(1));
    }
}
