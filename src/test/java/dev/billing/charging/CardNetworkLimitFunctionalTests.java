package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.operations.JobRunner;
import java.time.LocalDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The card networks limit reattempts of declined transactions (Visa: 15 in 30 days per card):
 * {@code billing.retry.max-declines-per-card-30d}, default 15, counts declines (soft and hard, charges and verification
 * charges) on the token in the 30 days up to the business date; a successful attempt never counts.
 */
@EngineTest
class CardNetworkLimitFunctionalTests {

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient inProcessGateway;

    Fixtures fixtures;

    @BeforeEach
    void reset() {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.token("busy-card", "VERIFIED");
    }

    @Test
    void manyOrdersOnOneGoodCardAreAllCharged() {
        for (int i = 1; i <= 20; i++) {
            fixtures.order("BUSY-" + i, "busy-card", 100L * i, "AED", "SHIPPED", null);
        }

        runner.run("charge-orders", NIGHT);
        for (int i = 21; i <= 40; i++) {
            fixtures.order("BUSY-" + i, "busy-card", 100L * i, "AED", "SHIPPED", null);
        }
        runner.run("charge-orders", NIGHT.plusDays(1)); // twenty successes on this card in the window: none counts

        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isEqualTo(40);
        assertThat(jdbc.queryForList("SELECT reason FROM charge_holds", String.class)).isEmpty();
    }

    @Test
    void fifteenDeclinesInTheWindowHoldTheNextAttempt() {
        declines(15, NIGHT.minusDays(29));
        fixtures.order("NEXT", "busy-card", 500, "AED", "SHIPPED", null);

        runner.run("charge-orders", NIGHT);

        assertThat(fixtures.orderStatus("NEXT")).isEqualTo("SHIPPED");
        assertThat(fixtures.gatewayRequestsFor("NEXT")).isZero();
        assertThat(jdbc.queryForList("SELECT reason FROM charge_holds WHERE order_id = 'NEXT'", String.class))
                .containsExactly("card-network limit: 15 declines on token busy-card in the 30 days up to 2026-11-27"
                        + " (billing.retry.max-declines-per-card-30d=15)");
    }

    @Test
    void aDeclineOutsideTheWindowOfTheBusinessDateDoesNotCount() {
        declines(14, NIGHT.minusDays(3));
        declines(1, NIGHT.minusDays(31));
        // a catch-up night counts as that night would have: these come after it and do not count either
        declines(5, NIGHT.plusDays(2));
        fixtures.order("NEXT", "busy-card", 500, "AED", "SHIPPED", null);

        runner.run("charge-orders", NIGHT);

        assertThat(fixtures.orderStatus("NEXT")).isEqualTo("PAID");
    }

    @Test
    void verificationIsHeldByTheSameCount() {
        fixtures.token("new-card", "NEW");
        declines("new-card", 15, NIGHT.minusDays(1), 100);

        runner.run("verify-tokens", NIGHT);

        assertThat(jdbc.queryForObject("SELECT status FROM tokens WHERE token_name = 'new-card'", String.class)).isEqualTo("NEW");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE token_name = 'new-card'", Long.class))
                .as("no new verification charge").isEqualTo(15);
    }

    private int nextReference = 1;

    private void declines(int count, LocalDate businessDate) {
        declines("busy-card", count, businessDate, 0);
    }

    /** Declined verification charges on the token: they count as declines on the card like declined charges. */
    private void declines(String token, int count, LocalDate businessDate, int referenceBase) {
        for (int i = 0; i < count; i++) {
            String reference = "VC-" + (referenceBase + 900) + "-" + nextReference++;
            jdbc.update("""
                    INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, token_name, attempt, amount_minor,
                        currency, business_date, state, outcome_class, response_code)
                    VALUES (?, ?, 'VERIFICATION_CHARGE', ?, 1, 100, 'AED', ?, 'DECLINED', 'SOFT_DECLINE', '13666')""",
                    reference, reference, token, java.sql.Date.valueOf(businessDate));
        }
    }
}
