package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.operations.JobRunner;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * charge-orders with every fault of the simulator on: lost replies, HTTP 500 and technical errors before the
 * gateway records anything, replies slower than the client's timeout, wrongly signed replies. Whatever is left
 * unknown is resolved on the next nights; in the end every order is charged exactly once at the gateway, and the
 * ledger's totals per currency equal the gateway's.
 */
@EngineTest
@TestPropertySource(properties = {
    "billing.simulator.lost-reply-rate=0.08",
    "billing.simulator.http500-rate=0.04",
    "billing.simulator.technical-error-rate=0.04",
    "billing.simulator.slow-reply-rate=0.04",
    "billing.simulator.slow-reply-delay=1500ms",
    "billing.simulator.bad-signature-rate=0.04",
    "billing.simulator.seed=20261127",
    "billing.gateway.timeout=400ms",
    "billing.resolve.backoff=20ms",
    "billing.chunk-size=25"
})
class ChargeWithFaultsFunctionalTests {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient inProcessGateway;

    @Test
    void everyOrderIsChargedExactlyOnceWhateverTheGatewayDoes() {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.manyOrders(400, 40);
        LocalDate date = LocalDate.of(2026, 11, 27);

        JobExecution first = runner.run("charge-orders", date);
        assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long unknownAfterFirstNight = fixtures.unresolved();
        // left unknown by the faults: settled by the resolve step, or sooner by a notification (when they are on)
        long faultyAttempts = first.getStepExecutions().stream().filter(s -> s.getStepName().equals("resolve-unknown-after"))
                .findFirst().orElseThrow().getReadCount()
                + jdbc.queryForObject("SELECT count(*) FROM aps_notifications WHERE outcome = 'SETTLED'", Long.class);
        for (int night = 1; night <= 5 && fixtures.unresolved() > 0; night++) {
            assertThat(runner.run("charge-orders", date.plusDays(night)).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        }

        assertThat(faultyAttempts).as("charges whose outcome the faults left unknown").isGreaterThan(40);
        assertThat(fixtures.unresolved()).as("unknown after the first night: " + unknownAfterFirstNight).isZero();
        Map<String, Long> successes = fixtures.gatewaySuccessesPerOrder();
        assertThat(successes).hasSize(400);
        assertThat(successes.values()).containsOnly(1L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isEqualTo(400);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM payment_attempts a JOIN aps_simulator.orders g ON g.merchant_reference = a.attempt_reference
                WHERE a.state = 'SUCCEEDED' AND g.captured_amount = a.amount_minor AND g.currency = a.currency""", Long.class))
                .as("each ledger success is the gateway's success of the same reference and amount").isEqualTo(400);
        assertThat(fixtures.totalsMismatch()).isEmpty();
    }
}
