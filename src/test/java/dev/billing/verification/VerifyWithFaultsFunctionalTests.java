package dev.billing.verification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.operations.JobRunner;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * verify-tokens with every fault of the simulator on, refunds included: whatever is lost, late or wrongly signed,
 * each good token ends VERIFIED with one micro-charge and one refund of the same amount at the gateway, and no
 * refund is ever made twice.
 */
@EngineTest
@TestPropertySource(properties = {
    "billing.simulator.lost-reply-rate=0.08",
    "billing.simulator.http500-rate=0.04",
    "billing.simulator.technical-error-rate=0.04",
    "billing.simulator.slow-reply-rate=0.04",
    "billing.simulator.slow-reply-delay=1500ms",
    "billing.simulator.bad-signature-rate=0.04",
    "billing.simulator.seed=7",
    "billing.gateway.timeout=400ms",
    "billing.resolve.backoff=20ms",
    "billing.chunk-size=25"
})
class VerifyWithFaultsFunctionalTests {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient inProcessGateway;

    @Test
    void everyGoodTokenIsVerifiedOnceAndEveryRefundMadeExactlyOnce() {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.manyTokens(300);
        LocalDate date = LocalDate.of(2026, 11, 27);

        for (int night = 0; night < 6; night++) {
            assertThat(runner.run("verify-tokens", date.plusDays(night)).getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(fixtures.givenBackTwice()).as("never a refund twice, night " + night).isZero();
            if (fixtures.openVerifications() == 0 && fixtures.takenNotGivenBack() == 0
                    && jdbc.queryForObject("SELECT count(*) FROM tokens WHERE status <> 'VERIFIED'", Long.class) == 0) {
                break;
            }
        }

        assertThat(jdbc.queryForObject("SELECT count(*) FROM tokens WHERE status = 'VERIFIED'", Long.class)).isEqualTo(300);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM aps_simulator.orders WHERE merchant_reference LIKE 'VC-%' AND captured_amount = 100
                  AND refunded_amount = 100""", Long.class)).isEqualTo(300);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT token_name) FROM aps_simulator.orders WHERE captured_amount > 0", Long.class))
                .isEqualTo(300);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_simulator.orders WHERE captured_amount > 0", Long.class))
                .as("one successful micro-charge per token").isEqualTo(300);
        assertThat(fixtures.takenNotGivenBack()).isZero();
        assertThat(fixtures.openVerifications()).isZero();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM payment_attempts WHERE kind = 'VERIFICATION_REFUND' AND state = 'SUCCEEDED'""", Long.class)).isEqualTo(300);
    }
}
