package dev.billing.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.operations.JobRunner;
import java.nio.file.Files;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The order control rows count each order due on a date once, however many times it was charged or held that date,
 * as the database tells the streaming report (no set of the night's orders is kept in memory).
 */
@EngineTest
class OrderControlRowsFunctionalTests {

    private static final LocalDate D = LocalDate.of(2026, 11, 27);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ReconciliationReports reports;

    private Fixtures fixtures;

    private void order(String orderId, long amount) {
        fixtures.order(orderId, "tok", amount, "AED", "SHIPPED", null);
    }

    private void charge(String orderId, int attempt, long amount, LocalDate date, String state) {
        String reference = "CH-" + orderId + "-" + attempt;
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                    currency, business_date, state)
                VALUES (?, ?, 'CHARGE', ?, 'tok', ?, ?, 'AED', ?, ?)""",
                reference, reference, orderId, attempt, amount, java.sql.Date.valueOf(date), state);
    }

    private void hold(String orderId) {
        jdbc.update("INSERT INTO charge_holds (business_date, order_id, token_name, reason) VALUES (?, ?, 'tok', 'test')",
                java.sql.Date.valueOf(D), orderId);
    }

    @Test
    void eachOrderIsCountedOnceByItsFirstChargeOfTheDateOrItsHold() throws Exception {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.token("tok", "VERIFIED");
        order("ONCE", 1000);
        charge("ONCE", 1, 1000, D, "SUCCEEDED");
        order("TWICE", 2000);               // declined, then charged by hand the same date: counted by its first charge
        charge("TWICE", 1, 2000, D, "DECLINED");
        charge("TWICE", 2, 2000, D, "SUCCEEDED");
        order("EARLIER", 4000);             // declined on an earlier date, charged on this one: counted by this one
        charge("EARLIER", 1, 4000, D.minusDays(1), "DECLINED");
        charge("EARLIER", 2, 4000, D, "SUCCEEDED");
        order("HELD-THEN-CHARGED", 8000);   // held and charged the same date: counted by its charge only
        hold("HELD-THEN-CHARGED");
        charge("HELD-THEN-CHARGED", 1, 8000, D, "SUCCEEDED");
        order("HELD", 16000);
        hold("HELD");

        assertThat(runner.run("reconcile", D).getStatus()).isEqualTo(BatchStatus.COMPLETED);

        String summary = Files.readString(reports.directory(D).resolve("summary-" + D + ".csv"));
        assertThat(summary)
                .contains("AED,CHARGE,SUCCESS,4,150.00\n")
                .contains("AED,CHARGE,DECLINED,1,20.00\n")
                .contains("AED,CONTROL_ORDERS,DUE,5,310.00\n")
                .contains("AED,CONTROL_ORDERS,CHARGED,3,130.00\n")
                .contains("AED,CONTROL_ORDERS,DECLINED,1,20.00\n")
                .contains("AED,CONTROL_ORDERS,FAILED,0,0.00\n")
                .contains("AED,CONTROL_ORDERS,UNKNOWN,0,0.00\n")
                .contains("AED,CONTROL_ORDERS,HELD,1,160.00\n")
                .contains("AED,CONTROL_LEDGER,NET,4,150.00\n");
    }
}
