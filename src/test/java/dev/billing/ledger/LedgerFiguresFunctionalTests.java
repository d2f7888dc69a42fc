package dev.billing.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsCommand;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The figures the database keeps of the ledger as its rows change (V25) are, at every step, what summing the rows gives:
 * through the ledger's own writes (prepare, settle in batches with a reference given twice, withdraw), a hand-made
 * update as an operator might run, and the fold the vacuum-ledger step does.
 */
@EngineTest
class LedgerFiguresFunctionalTests {

    private static final LocalDate MONDAY = LocalDate.parse("2026-11-30");
    private static final LocalDate TUESDAY = LocalDate.parse("2026-12-01");

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Attempts attempts;

    @Autowired
    AttemptQueries queries;

    @Autowired
    SimulatedNights simulated;

    @BeforeEach
    void ordersAndAToken() {
        Fixtures.resetEngineTables(jdbc);
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status)
                VALUES ('tok-1', 'C-1', 'c@example.com', '411111******1111', '12/30', now(), 'VERIFIED')""");
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                SELECT 'O-' || i, 'C-1', 'tok-1', 100 * i, CASE WHEN i % 2 = 0 THEN 'AED' ELSE 'KWD' END, 'SHIPPED'
                FROM generate_series(1, 8) AS i""");
    }

    @Test
    void theFiguresAreTheRowsSummedAfterEveryKindOfChange() {
        attempts.prepare(List.of(charge(1, MONDAY), charge(2, MONDAY), charge(3, MONDAY), charge(4, TUESDAY), charge(5, TUESDAY),
                charge(6, TUESDAY)));
        assertFiguresAreTheRows();
        assertThat(night(MONDAY, "KWD").open()).isEqualTo(2);
        assertThat(night(MONDAY, "KWD").openMinor()).isEqualTo(100 + 300);

        boolean[] moved = attempts.settle(List.of(
                outcome(1, OutcomeClass.SUCCESS, AttemptState.SUCCEEDED),
                outcome(2, OutcomeClass.UNKNOWN, AttemptState.UNKNOWN),
                outcome(2, OutcomeClass.SOFT_DECLINE, AttemptState.DECLINED), // the same row again in one call: moves it again
                outcome(1, OutcomeClass.SOFT_DECLINE, AttemptState.DECLINED), // settled by the first: left as it is
                outcome(4, OutcomeClass.HARD_DECLINE, AttemptState.FAILED)));
        assertThat(moved).containsExactly(true, true, true, false, true);
        assertThat(jdbc.queryForMap("SELECT state, response_code FROM payment_attempts WHERE attempt_reference = 'CH-O-1-1'"))
                .isEqualTo(Map.of("state", "SUCCEEDED", "response_code", "14000"));
        assertThat(jdbc.queryForObject("SELECT state FROM payment_attempts WHERE attempt_reference = 'CH-O-2-1'", String.class))
                .isEqualTo("DECLINED");
        assertFiguresAreTheRows();
        assertThat(night(MONDAY, "KWD").succeeded()).isEqualTo(1);
        assertThat(night(MONDAY, "KWD").succeededMinor()).isEqualTo(100);
        assertThat(night(MONDAY, "AED").declinedMinor()).isEqualTo(200);

        assertThat(attempts.withdraw(List.of("CH-O-5-1", "CH-O-1-1"))).extracting(Attempts.Withdrawn::attemptReference)
                .containsExactly("CH-O-5-1");
        jdbc.update("UPDATE payment_attempts SET state = 'SUCCEEDED' WHERE attempt_reference = 'CH-O-6-1'"); // by hand
        assertFiguresAreTheRows();
        assertThat(queries.chargeNights(TUESDAY)).as("its one KWD charge was withdrawn").extracting(AttemptQueries.ChargeNight::currency)
                .containsExactly("AED");
        assertThat(night(TUESDAY, "AED").open()).isZero();
        assertThat(night(TUESDAY, "AED").succeededMinor()).isEqualTo(600);

        long before = jdbc.queryForObject("SELECT count(*) FROM ledger_figures", Long.class);
        jdbc.execute(VacuumLedgerTasklet.FOLD_FIGURES);
        assertFiguresAreTheRows();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_figures", Long.class))
                .as("one row per date, currency and state after the fold").isLessThan(before)
                .isEqualTo(jdbc.queryForObject("SELECT count(DISTINCT (business_date, kind, gateway, currency, state)) FROM payment_attempts",
                        Long.class));
    }

    @Test
    void aResetLedgerHasNoFigures() {
        attempts.prepare(List.of(charge(1, MONDAY)));
        Fixtures.resetEngineTables(jdbc);
        assertThat(queries.chargeNights(MONDAY.minusDays(1))).isEmpty();
        assertThat(simulated.movements(MONDAY)).isZero();
    }

    /** Every figure of every date, from the kept figures, equals the same figure summed from the rows. */
    private void assertFiguresAreTheRows() {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT business_date, currency, count(*) FILTER (WHERE state = 'SUCCEEDED') AS s,
                       COALESCE(sum(amount_minor) FILTER (WHERE state = 'SUCCEEDED'), 0) AS sm,
                       count(*) FILTER (WHERE state = 'DECLINED') AS d, COALESCE(sum(amount_minor) FILTER (WHERE state = 'DECLINED'), 0) AS dm,
                       count(*) FILTER (WHERE state = 'FAILED') AS f, COALESCE(sum(amount_minor) FILTER (WHERE state = 'FAILED'), 0) AS fm,
                       count(*) FILTER (WHERE state IN ('PREPARED', 'UNKNOWN')) AS o,
                       COALESCE(sum(amount_minor) FILTER (WHERE state IN ('PREPARED', 'UNKNOWN')), 0) AS om
                FROM payment_attempts WHERE kind = 'CHARGE' GROUP BY 1, 2 ORDER BY 1 DESC, 2""");
        List<AttemptQueries.ChargeNight> expected = rows.stream().map(r -> new AttemptQueries.ChargeNight(
                ((java.sql.Date) r.get("business_date")).toLocalDate(), (String) r.get("currency"), n(r, "s"), n(r, "sm"), n(r, "d"),
                n(r, "dm"), n(r, "f"), n(r, "fm"), n(r, "o"), n(r, "om"))).toList();
        assertThat(expected).isNotEmpty();
        assertThat(queries.chargeNights(MONDAY.minusDays(7))).isEqualTo(expected);
        assertThat(jdbc.queryForList("""
                SELECT business_date, kind, gateway, currency, state, sum(movements)::bigint AS n, sum(amount_minor)::bigint AS minor
                FROM ledger_figures GROUP BY 1, 2, 3, 4, 5 HAVING sum(movements) <> 0 ORDER BY 1, 2, 3, 4, 5"""))
                .isEqualTo(jdbc.queryForList("""
                        SELECT business_date, kind, gateway, currency, state, count(*) AS n, sum(amount_minor)::bigint AS minor
                        FROM payment_attempts GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"""));
        for (LocalDate date : List.of(MONDAY, TUESDAY)) {
            assertThat(simulated.movements(date)).isEqualTo(jdbc.queryForObject(
                    "SELECT count(*) FROM payment_attempts WHERE business_date = ? AND gateway = 'simulator'", Long.class, date));
        }
        assertThat(simulated.movements(MONDAY)).isPositive();
        assertThat(simulated.since(MONDAY.minusDays(7))).containsExactly(MONDAY, TUESDAY);
    }

    private AttemptQueries.ChargeNight night(LocalDate date, String currency) {
        return queries.chargeNights(date).stream().filter(n -> n.businessDate().equals(date) && n.currency().equals(currency))
                .findFirst().orElseThrow();
    }

    private static long n(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    private static Attempts.New charge(int order, LocalDate date) {
        String currency = order % 2 == 0 ? "AED" : "KWD";
        return new Attempts.New("CH-O-" + order + "-1", "CH-O-" + order + "-1", AttemptKind.CHARGE, "O-" + order, "tok-1", 1,
                Money.ofMinor(100L * order, CurrencyUnit.require(currency)), date, null, "tester");
    }

    private static Attempts.Outcome outcome(int order, OutcomeClass outcome, AttemptState state) {
        String code = outcome == OutcomeClass.SUCCESS ? "14000" : "13666";
        return new Attempts.Outcome(new GatewayReply(ApsCommand.PURCHASE, "CH-O-" + order + "-1", outcome, code, "message", "F" + order,
                null, null, null, Map.of()), state, "CH-O-" + order + "-1");
    }
}
