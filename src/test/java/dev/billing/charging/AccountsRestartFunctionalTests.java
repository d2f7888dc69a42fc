package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineProcess;
import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayProperties;
import dev.billing.operations.JobControl;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * A night over two accounts killed part-way (a real process, SIGKILL), recovered and restarted: the open rows of each
 * account are asked about at that account's gateway (the other's does not know them), and every order ends charged
 * exactly once, at its own account.
 */
@EngineTest
@TestPropertySource(properties = "billing.gateway.accounts.ksa.max-concurrency=8")
class AccountsRestartFunctionalTests {

    private static final LocalDate D = LocalDate.of(2026, 11, 27);
    private static final int ORDERS = 3000;
    private static final String KSA_MERCHANT = GatewayProperties.SIMULATOR_MERCHANT + "KSA";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobControl jobControl;
    @Autowired
    ApsClient gateway;

    @Test
    void aNightOverTwoAccountsKilledPartWayIsFinishedWithEveryOrderChargedOnceOnItsAccount() throws Exception {
        gateway.forAccount("ksa");
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.manyOrders(ORDERS, 400);
        jdbc.update("UPDATE tokens SET account = 'ksa' WHERE substring(token_name FROM 6)::int % 2 = 0");
        Path log = EngineProcess.log("accounts-sigkill.log");
        Process engine = EngineProcess.start(log, "run", "charge-orders", "--date", D.toString(), "--billing.simulator.latency=50ms",
                "--billing.gateway.accounts.ksa.max-concurrency=8");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                .failFast("the engine ended before it could be killed:\n" + EngineProcess.output(log), () -> !engine.isAlive())
                .until(() -> jdbc.queryForObject("SELECT count(DISTINCT account) FROM payment_attempts WHERE state = 'SUCCEEDED'", Long.class) == 2
                        && jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class) >= 500);
        engine.destroyForcibly();
        assertThat(engine.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long id = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isLessThan(ORDERS);

        assertThat(jobControl.recover()).singleElement().satisfies(r -> assertThat(r.recovered()).isTrue());
        JobExecution restarted = jobControl.restart(id);

        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isEqualTo(ORDERS);
        assertThat(fixtures.gatewaySuccessesPerOrder()).hasSize(ORDERS).allSatisfy((order, n) -> assertThat(n).as(order).isEqualTo(1));
        assertThat(fixtures.unresolved()).isZero();
        assertThat(fixtures.totalsMismatch()).isEmpty();
        // each order's one charge is at its own account's gateway, and its ledger row names that account
        assertThat(jdbc.queryForList("""
                SELECT DISTINCT t.account || ' ' || a.account || ' ' || g.merchant_identifier
                FROM payment_attempts a JOIN tokens t ON t.token_name = a.token_name
                JOIN aps_simulator.orders g ON g.merchant_reference = a.attempt_reference
                WHERE a.kind = 'CHARGE' AND g.captured_amount > 0""", String.class))
                .containsExactlyInAnyOrder("default default " + GatewayProperties.SIMULATOR_MERCHANT, "ksa ksa " + KSA_MERCHANT);
    }
}
