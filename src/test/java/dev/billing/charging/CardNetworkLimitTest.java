package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.gateway.ApsClient;
import dev.billing.operations.JobRunner;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/** Never more than billing.retry.max-per-card-30d attempts on one token in 30 days, declined ones included. */
@EngineTest
@TestPropertySource(properties = "billing.retry.max-per-card-30d=3")
class CardNetworkLimitTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient inProcessGateway;

    @Test
    void ordersBeyondTheLimitAreHeldNotCharged() {
        ChargeFixtures fixtures = new ChargeFixtures(jdbc);
        fixtures.reset();
        fixtures.token("busy-card", "VERIFIED");
        for (int i = 1; i <= 5; i++) {
            fixtures.order("BUSY-" + i, "busy-card", 100 * i, "AED", "SHIPPED", null);
        }
        // one attempt on this card already this month
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt,
                    amount_minor, currency, business_date, state)
                VALUES ('CH-BUSY-5-1', 'CH-BUSY-5-1', 'CHARGE', 'BUSY-5', 'busy-card', 1, 500, 'AED', DATE '2026-11-20', 'DECLINED')""");
        jdbc.update("UPDATE orders SET attempt_count = 1, next_attempt_on = DATE '2026-11-21' WHERE order_id = 'BUSY-5'");

        runner.run("charge-orders", LocalDate.of(2026, 11, 27));

        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE token_name = 'busy-card'", Long.class)).isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isEqualTo(2);
        assertThat(jdbc.queryForList("SELECT reason FROM charge_holds", String.class)).hasSize(3)
                .allSatisfy(reason -> assertThat(reason).startsWith("card-network limit: 3 attempts on token busy-card"));
    }
}
