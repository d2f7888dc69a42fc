package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.operations.JobRunner;
import dev.billing.reconciliation.ReconciliationReports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Recording an outcome never changes a status the import set: a charge that turns out to have succeeded on an order
 * that is CANCELLED by then leaves it CANCELLED, and becomes an exception for a person, with a refund decision.
 */
@EngineTest
class OutcomeKeepsImportStatusFunctionalTests {

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ReconciliationReports reports;
    @Autowired
    ApsClient gateway;

    @Test
    void aSuccessOnACancelledOrderIsAnExceptionNotAPaidOrder() throws Exception {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.token("good", "VERIFIED");
        fixtures.order("LATE-CANCEL", "good", 2500, "AED", "SHIPPED", null);
        // a charge whose outcome was never learned, on an order cancelled since (by hand, or by an engine of before)
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt,
                    amount_minor, currency, business_date, state)
                VALUES ('CH-LATE-CANCEL-1', 'CH-LATE-CANCEL-1', 'CHARGE', 'LATE-CANCEL', 'good', 1, 2500, 'AED', ?, 'UNKNOWN')""",
                java.sql.Date.valueOf(NIGHT));
        jdbc.update("UPDATE orders SET status = 'CANCELLED' WHERE order_id = 'LATE-CANCEL'");

        runner.run("charge-orders", NIGHT); // the gateway does not know it: sent again, and it succeeds
        reports.write(NIGHT);

        assertThat(fixtures.orderStatus("LATE-CANCEL")).isEqualTo("CANCELLED");
        assertThat(jdbc.queryForObject("SELECT state FROM payment_attempts WHERE order_id = 'LATE-CANCEL'", String.class))
                .isEqualTo("SUCCEEDED");
        assertThat(jdbc.queryForList("SELECT type || ' ' || attempt_reference || ' ' || amount_minor FROM ledger_exceptions",
                String.class)).containsExactly("CHARGED_ORDER_NOT_DUE CH-LATE-CANCEL-1 2500");
        Path exceptions = reports.directory(NIGHT).resolve("exceptions-" + NIGHT + ".csv");
        assertThat(Files.readAllLines(exceptions)).anySatisfy(line -> assertThat(line)
                .startsWith("CHARGED_ORDER_NOT_DUE,CH-LATE-CANCEL-1,LATE-CANCEL,good,25.00,AED,")
                .contains("decide whether to refund it"));
    }
}
