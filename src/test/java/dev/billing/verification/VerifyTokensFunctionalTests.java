package dev.billing.verification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.operations.JobRunner;
import java.time.LocalDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

@EngineTest
class VerifyTokensFunctionalTests {

    static final LocalDate D = LocalDate.of(2026, 11, 27);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient inProcessGateway;

    private Fixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
    }

    private void run(String job, LocalDate date) {
        assertThat(runner.run(job, date).getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    @Test
    void goodTokensAreVerifiedAndTheirMoneyGivenBackOnceBadOnesEndAsThePolicySays() {
        for (String token : new String[] {"good-1", "good-2", "good-3", "tok-insufficient-funds-1", "tok-expired-card-1",
            "tok-no-such-token-1", "tok-on-hold-1"}) {
            fixtures.token(token);
        }

        run("verify-tokens", D);

        for (String good : new String[] {"good-1", "good-2", "good-3", "tok-on-hold-1"}) {
            assertThat(fixtures.tokenStatus(good)).as(good).isEqualTo("VERIFIED");
            assertThat(fixtures.gatewaySuccessesFor(good)).as(good).isEqualTo(1);
        }
        assertThat(jdbc.queryForList("""
                SELECT o.merchant_reference || ' ' || o.amount || ' ' || o.captured_amount || ' ' || o.refunded_amount
                FROM aps_simulator.orders o WHERE o.captured_amount > 0 ORDER BY 1""", String.class))
                .hasSize(4).allSatisfy(row -> assertThat(row).endsWith(" 100 100 100"));
        assertThat(fixtures.takenNotGivenBack()).isZero();
        assertThat(fixtures.givenBackTwice()).isZero();
        assertThat(fixtures.tokenStatus("tok-expired-card-1")).isEqualTo("INVALID");
        assertThat(fixtures.tokenStatus("tok-no-such-token-1")).isEqualTo("INVALID");
        assertThat(jdbc.queryForMap("SELECT status, verification_attempts FROM tokens WHERE token_name = 'tok-insufficient-funds-1'"))
                .containsEntry("status", "NEW").containsEntry("verification_attempts", 1);
        assertThat(fixtures.openVerifications()).isZero();

        run("verify-tokens", D.plusDays(1));
        run("verify-tokens", D.plusDays(2));
        assertThat(fixtures.tokenStatus("tok-insufficient-funds-1")).as("after its third soft decline").isEqualTo("INVALID");
        assertThat(fixtures.gatewaySuccessesFor("good-1")).as("a verified token is not verified again").isEqualTo(1);
    }

    @Test
    void ordersOnATokenFoundInvalidAreHeldByChargeOrders() {
        fixtures.token("good-1");
        fixtures.token("tok-expired-card-2");
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                VALUES ('ON-GOOD', 'C', 'good-1', 1000, 'AED', 'SHIPPED'), ('ON-DEAD', 'C', 'tok-expired-card-2', 1000, 'AED', 'SHIPPED')""");

        run("verify-tokens", D);
        run("charge-orders", D);

        assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE order_id = 'ON-GOOD'", String.class)).isEqualTo("PAID");
        assertThat(jdbc.queryForObject("SELECT reason FROM charge_holds WHERE order_id = 'ON-DEAD'", String.class))
                .isEqualTo("token tok-expired-card-2 is INVALID, not VERIFIED");
    }

    @Test
    void aRefundOwedFromAnEarlierRunIsGivenBackOnceAtTheStartOfTheNext() {
        fixtures.token("owed-1");
        // an earlier run's micro-charge succeeded at the gateway, then the process died before the refund was recorded as sent
        long id = jdbc.queryForObject("SELECT id FROM tokens WHERE token_name = 'owed-1'", Long.class);
        jdbc.update("UPDATE tokens SET status = 'VERIFYING', verification_attempts = 1 WHERE token_name = 'owed-1'");
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, token_name, attempt, amount_minor, currency,
                    business_date, state)
                VALUES (?, ?, 'VERIFICATION_CHARGE', 'owed-1', 1, 100, 'AED', DATE '2026-11-20', 'UNKNOWN')""", "VC-" + id + "-1", "VC-" + id + "-1");
        jdbc.update("""
                INSERT INTO aps_simulator.orders (merchant_identifier, merchant_reference, fort_id, command, token_name, customer_email,
                    amount, currency, response_code, response_message, authorized_amount, captured_amount, last_code, last_message)
                VALUES ('SIMMERCHANT', ?, '7', 'PURCHASE', 'owed-1', 'c@example.com', 100, 'AED', '14000', 'Success', 100, 100, '14000', 'Success')""",
                "VC-" + id + "-1");

        run("verify-tokens", D);

        assertThat(fixtures.tokenStatus("owed-1")).isEqualTo("VERIFIED");
        assertThat(fixtures.takenNotGivenBack()).isZero();
        assertThat(fixtures.givenBackTwice()).isZero();
        assertThat(jdbc.queryForList("SELECT attempt_reference || ' ' || state FROM payment_attempts ORDER BY id", String.class))
                .containsExactly("VC-" + id + "-1 SUCCEEDED", "VR-" + id + "-1-1 SUCCEEDED");
    }

    @Test
    void aTokenAtTheCardNetworkLimitIsNotVerifiedToday() {
        fixtures.token("busy-1");
        fixtures.token("calm-1");
        jdbc.update("INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status) VALUES ('BUSY-O', 'C', 'busy-1', 100, 'AED', 'SHIPPED')");
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                    currency, business_date, state, outcome_class)
                SELECT 'CH-BUSY-O-' || n, 'CH-BUSY-O-' || n, 'CHARGE', 'BUSY-O', 'busy-1', n, 100, 'AED', DATE '2026-11-20', 'DECLINED',
                       'SOFT_DECLINE'
                FROM generate_series(1, 15) AS n""");

        run("verify-tokens", D);

        assertThat(fixtures.tokenStatus("calm-1")).isEqualTo("VERIFIED");
        assertThat(fixtures.tokenStatus("busy-1")).isEqualTo("NEW");
        assertThat(fixtures.gatewaySuccessesFor("busy-1")).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE token_name = 'busy-1' AND kind LIKE 'VERIFICATION%'",
                Long.class)).isZero();
    }
}
