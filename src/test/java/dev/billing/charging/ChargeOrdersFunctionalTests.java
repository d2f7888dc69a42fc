package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.batch.JobLauncherService.AlreadyCompletedException;
import dev.billing.gateway.ApsClient;
import dev.billing.operations.JobRunner;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** charge-orders against the embedded PostgreSQL and the in-process simulator, without faults. */
@EngineTest
class ChargeOrdersFunctionalTests {

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

    private JobExecution run(LocalDate date) {
        JobExecution execution = runner.run("charge-orders", date);
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        return execution;
    }

    @Test
    void chargesWhatIsDueOnceAndAppliesThePolicyToEveryOutcome() {
        fixtures.token("good", "VERIFIED");
        fixtures.token("tok-insufficient-funds-1", "VERIFIED");
        fixtures.token("tok-expired-card-1", "VERIFIED");
        fixtures.token("tok-new", "NEW");
        fixtures.order("SHIP-1", "good", 12550, "AED", "SHIPPED", null);
        fixtures.order("SHIP-2", "good", 12345, "KWD", "SHIPPED", null);
        fixtures.order("DEF-DUE", "good", 500, "JPY", "DEFERRED", D.minusDays(1));
        fixtures.order("DEF-TODAY", "good", 700, "JPY", "DEFERRED", D);
        fixtures.order("DEF-LATER", "good", 900, "JPY", "DEFERRED", D.plusDays(5));
        fixtures.order("PENDING-1", "good", 100, "AED", "PENDING", null);
        fixtures.order("CANCEL-1", "good", 100, "AED", "CANCELLED", null);
        fixtures.order("SOFT-1", "tok-insufficient-funds-1", 1000, "AED", "SHIPPED", null);
        fixtures.order("HARD-1", "tok-expired-card-1", 1000, "AED", "SHIPPED", null);
        fixtures.order("HARD-2", "tok-expired-card-1", 2000, "AED", "SHIPPED", null);
        fixtures.order("NEWTOK-1", "tok-new", 1000, "AED", "SHIPPED", null);

        run(D);

        assertThat(Map.of("SHIP-1", fixtures.orderStatus("SHIP-1"), "SHIP-2", fixtures.orderStatus("SHIP-2"),
                "DEF-DUE", fixtures.orderStatus("DEF-DUE"), "DEF-TODAY", fixtures.orderStatus("DEF-TODAY")))
                .allSatisfy((id, status) -> assertThat(status).as(id).isEqualTo("PAID"));
        assertThat(fixtures.gatewaySuccessesPerOrder()).containsOnly(Map.entry("SHIP-1", 1L), Map.entry("SHIP-2", 1L),
                Map.entry("DEF-DUE", 1L), Map.entry("DEF-TODAY", 1L));
        assertThat(fixtures.totalsMismatch()).isEmpty();
        for (String untouched : new String[] {"DEF-LATER", "PENDING-1", "CANCEL-1", "NEWTOK-1"}) {
            assertThat(fixtures.gatewayRequestsFor(untouched)).as(untouched).isZero();
        }
        assertThat(fixtures.orderStatus("DEF-LATER")).isEqualTo("DEFERRED");
        assertThat(jdbc.queryForMap("SELECT status, attempt_count, next_attempt_on::text AS next FROM orders WHERE order_id = 'SOFT-1'"))
                .containsEntry("status", "SHIPPED").containsEntry("attempt_count", 1).containsEntry("next", "2026-11-28");
        assertThat(jdbc.queryForObject("SELECT state FROM payment_attempts WHERE attempt_reference = 'CH-SOFT-1-1'", String.class))
                .isEqualTo("DECLINED");
        assertThat(fixtures.orderStatus("HARD-1")).isEqualTo("PAYMENT_FAILED");
        assertThat(jdbc.queryForObject("SELECT status FROM tokens WHERE token_name = 'tok-expired-card-1'", String.class)).isEqualTo("INVALID");
        assertThat(fixtures.gatewayRequestsFor("HARD-2")).as("never charged after its token died").isZero();
        assertThat(fixtures.orderStatus("HARD-2")).isEqualTo("SHIPPED");
        assertThat(jdbc.queryForList("SELECT order_id || ': ' || reason FROM charge_holds WHERE business_date = ? ORDER BY order_id",
                String.class, java.sql.Date.valueOf(D)))
                .containsExactly("HARD-2: token tok-expired-card-1 was hard-declined in this run", "NEWTOK-1: token tok-new is NEW, not VERIFIED");

        long requests = jdbc.queryForObject("SELECT count(*) FROM aps_simulator.orders", Long.class);
        assertThatThrownBy(() -> runner.run("charge-orders", D)).isInstanceOf(AlreadyCompletedException.class);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_simulator.orders", Long.class)).as("the same date twice charges nothing")
                .isEqualTo(requests);

        run(D.plusDays(1));
        assertThat(fixtures.gatewayRequestsFor("HARD-2")).as("held again: its token is INVALID").isZero();
        assertThat(jdbc.queryForMap("SELECT attempt_count, next_attempt_on::text AS next FROM orders WHERE order_id = 'SOFT-1'"))
                .containsEntry("attempt_count", 2).containsEntry("next", "2026-12-01");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE order_id = 'SOFT-1'", Long.class)).isEqualTo(2);
        assertThat(fixtures.gatewaySuccessesPerOrder()).hasSize(4);
    }

    @Test
    void aSoftDeclinedOrderFailsForGoodAfterItsLastRetry() {
        fixtures.token("tok-insufficient-funds-2", "VERIFIED");
        fixtures.order("SOFT-2", "tok-insufficient-funds-2", 1000, "AED", "SHIPPED", null);

        for (LocalDate date : new LocalDate[] {D, D.plusDays(1), D.plusDays(4), D.plusDays(11)}) {
            run(date);
        }

        assertThat(jdbc.queryForMap("SELECT status, attempt_count, next_attempt_on FROM orders WHERE order_id = 'SOFT-2'"))
                .containsEntry("status", "PAYMENT_FAILED").containsEntry("attempt_count", 4).containsEntry("next_attempt_on", null);
        assertThat(jdbc.queryForList("SELECT attempt_reference FROM payment_attempts WHERE order_id = 'SOFT-2' ORDER BY attempt", String.class))
                .containsExactly("CH-SOFT-2-1", "CH-SOFT-2-2", "CH-SOFT-2-3", "CH-SOFT-2-4");
        run(D.plusDays(30));
        assertThat(fixtures.gatewayRequestsFor("SOFT-2")).isEqualTo(4);
    }

    @Test
    void anAttemptLeftUnknownIsResolvedByCheckStatusNeverByANewCharge() {
        fixtures.token("good", "VERIFIED");
        fixtures.order("LOST-1", "good", 4200, "AED", "SHIPPED", null);
        fixtures.order("NEVER-SENT-1", "good", 4300, "AED", "SHIPPED", null);
        // the first was charged at the gateway but its reply never recorded; the second was prepared, never sent
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt,
                    amount_minor, currency, business_date, state)
                VALUES ('CH-LOST-1-1', 'CH-LOST-1-1', 'CHARGE', 'LOST-1', 'good', 1, 4200, 'AED', ?, 'UNKNOWN'),
                       ('CH-NEVER-SENT-1-1', 'CH-NEVER-SENT-1-1', 'CHARGE', 'NEVER-SENT-1', 'good', 1, 4300, 'AED', ?, 'PREPARED')""",
                java.sql.Date.valueOf(D.minusDays(1)), java.sql.Date.valueOf(D.minusDays(1)));
        jdbc.update("""
                INSERT INTO aps_simulator.orders (merchant_identifier, merchant_reference, fort_id, command, token_name, customer_email,
                    amount, currency, response_code, response_message, authorized_amount, captured_amount, last_code, last_message)
                VALUES ('SIMMERCHANT', 'CH-LOST-1-1', '1', 'PURCHASE', 'good', 'c@example.com', 4200, 'AED', '14000', 'Success',
                        4200, 4200, '14000', 'Success')""");

        JobExecution execution = run(D);

        assertThat(fixtures.gatewaySuccessesPerOrder()).containsOnly(Map.entry("LOST-1", 1L), Map.entry("NEVER-SENT-1", 1L));
        assertThat(jdbc.queryForList("SELECT attempt_reference || ' ' || state FROM payment_attempts ORDER BY 1", String.class))
                .containsExactly("CH-LOST-1-1 SUCCEEDED", "CH-NEVER-SENT-1-1 SUCCEEDED");
        assertThat(fixtures.orderStatus("LOST-1")).isEqualTo("PAID");
        assertThat(execution.getStepExecutions().stream().filter(s -> s.getStepName().equals("resolve-unknown")).findFirst()
                .orElseThrow().getReadCount()).isEqualTo(2);
        assertThat(fixtures.totalsMismatch()).isEmpty();
    }
}
