package dev.billing.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The ledger's lookups of one row by its key stay on the key's index in the state a busy night leaves the tables in:
 * every row settled since the last vacuum (the partial indexes on open rows still hold their dead entries) and an
 * analyze that found no open row (so those indexes are recorded as empty, which makes scanning one whole look free).
 * The plans are the generic ones pgjdbc's server-side prepared statements end up with.
 */
@EngineTest
class OpenRowPlansFunctionalTests {

    private static final String SAMPLE_DATE = "2026-11-28";

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void aNightJustSettled() {
        Fixtures.resetEngineTables(jdbc);
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status)
                VALUES ('tok-1', 'C-1', 'c@example.com', '411111******1111', '12/30', now(), 'VERIFIED')""");
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                SELECT 'O-' || i, 'C-1', 'tok-1', 100, 'AED', 'SHIPPED' FROM generate_series(1, 20000) AS i""");
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt,
                                              amount_minor, currency, business_date, state)
                SELECT 'CH-O-' || i || '-1', 'CH-O-' || i || '-1', 'CHARGE', 'O-' || i, 'tok-1', 1, 100, 'AED', DATE '"""
                + SAMPLE_DATE + "', 'PREPARED' FROM generate_series(1, 20000) AS i");
        jdbc.update("UPDATE payment_attempts SET state = 'SUCCEEDED', resolved_at = now()");
        jdbc.execute("ANALYZE payment_attempts, orders");
        assertThat(jdbc.queryForObject("SELECT reltuples FROM pg_class WHERE relname = 'payment_attempts_unresolved'", Float.class))
                .as("the analyze recorded the open-row index as empty").isZero();
    }

    @Test
    void settlingARowByItsReferenceUsesTheReferenceIndex() {
        String update = "UPDATE payment_attempts SET state = 'SUCCEEDED' WHERE attempt_reference = $1 AND state ";

        assertThat(genericPlan("(text)", update + AttemptState.NOT_SETTLED_SQL, "'CH-O-5-1'"))
                .contains("payment_attempts_attempt_reference_key").doesNotContain("unresolved").doesNotContain("one_open");
        // the test can tell: written as "state IN open", the same update is planned on an open-row index scanned whole
        assertThat(genericPlan("(text)", update + "IN " + AttemptState.OPEN_SQL, "'CH-O-5-1'"))
                .containsAnyOf("payment_attempts_unresolved", "one_open_charge_per_order");
    }

    @Test
    void settlingABatchOfRowsLooksEachUpByItsReference() {
        String update = AttemptOutcomes.UPDATE;
        for (int i = 1; update.contains("?"); i++) {
            update = update.replaceFirst("\\?", "\\$" + i);
        }
        String types = "(text[], text[], text[], text[], text[], text[], text[], text[], bool[], text[])";
        String arguments = "'{SUCCEEDED}', '{SUCCESS}', '{14000}', '{ok}', '{}', '{F5}', '{}', '{}', '{true}', '{CH-O-5-1}'";

        assertThat(genericPlan(types, update, arguments))
                .contains("payment_attempts_attempt_reference_key").doesNotContain("Seq Scan on payment_attempts")
                .doesNotContain("unresolved").doesNotContain("one_open");
    }

    @Test
    void findingAnOrdersOpenChargeUsesAnOrderIndex() {
        String exists = "SELECT EXISTS (SELECT 1 FROM payment_attempts a WHERE a.order_id = $1 AND a.kind = 'CHARGE' AND a.state ";

        assertThat(genericPlan("(text)", exists + AttemptState.NOT_SETTLED_SQL + ")", "'O-5'"))
                .containsAnyOf("one_attempt_number_per_order", "payment_attempts_order").doesNotContain("unresolved");
    }

    private String genericPlan(String types, String sql, String argument) {
        return jdbc.execute((ConnectionCallback<List<String>>) connection -> {
            List<String> plan = new ArrayList<>();
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET plan_cache_mode = force_generic_plan");
                statement.execute("PREPARE probe " + types + " AS " + sql);
                try (ResultSet rs = statement.executeQuery("EXPLAIN EXECUTE probe(" + argument + ")")) {
                    while (rs.next()) {
                        plan.add(rs.getString(1));
                    }
                } finally {
                    statement.execute("DEALLOCATE probe");
                    statement.execute("RESET plan_cache_mode");
                }
            }
            return plan;
        }).stream().map(String::strip).collect(java.util.stream.Collectors.joining("\n"));
    }
}
