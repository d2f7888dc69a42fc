package dev.billing.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineProcess;
import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.operations.JobControl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * verify-tokens in a JVM of its own, killed with SIGKILL while micro-charges have been taken and not yet given
 * back; after 'jobs recover' and 'jobs restart' every one is refunded exactly once and its token is VERIFIED.
 */
@EngineTest
class VerifyRestartFunctionalTests {

    /** Settings added to the engine JVMs this test starts (none here; a subclass may have them notify this JVM). */
    protected String[] childSettings() {
        return new String[0];
    }

    /**
     * The tokens verified: thousands. A subclass that has every call notify this JVM may take fewer, since this JVM then
     * settles a notification of each call besides.
     */
    protected int tokens() {
        return 2000;
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobControl jobControl;
    @Autowired
    ApsClient inProcessGateway;

    @Test
    void killedBetweenMicroChargesAndTheirRefundsThenRestarted() throws Exception {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.manyTokens(tokens());
        Path log = EngineProcess.log("verify-sigkill.log");

        Process engine = EngineProcess.start(log, Fixtures.concat(new String[] {"run", "verify-tokens", "--date", "2026-11-27",
            "--billing.simulator.latency=150ms"}, childSettings()));
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .failFast("the engine ended before it could be killed:\n" + EngineProcess.output(log), () -> !engine.isAlive())
                    .until(() -> jdbc.queryForObject("SELECT count(*) FROM tokens WHERE status = 'VERIFIED'", Long.class) >= 200
                            && fixtures.takenNotGivenBack() > 0);
        } finally {
            engine.destroyForcibly();
            engine.waitFor(30, TimeUnit.SECONDS);
        }
        long takenAtKill = fixtures.takenNotGivenBack();
        long id = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);
        assertThat(takenAtKill).as("micro-charges taken and not given back when the process died").isPositive();

        assertThat(jobControl.recover()).singleElement().satisfies(r -> assertThat(r.recovered()).isTrue());
        JobExecution restarted = jobControl.restart(id);

        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tokens WHERE status = 'VERIFIED'", Long.class)).isEqualTo(tokens());
        assertThat(fixtures.takenNotGivenBack()).isZero();
        assertThat(fixtures.givenBackTwice()).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_simulator.orders WHERE captured_amount > 0", Long.class)).isEqualTo(tokens());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_simulator.maintenance WHERE response_code = '06000'", Long.class))
                .as("one refund per micro-charge").isEqualTo(tokens());
        assertThat(fixtures.openVerifications()).isZero();
    }
}
