package dev.billing.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.operations.JobRunner;
import dev.billing.support.InvalidInputException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** reconcile --settlement: a gateway report with one of each mismatch class. */
@EngineTest
class SettlementMatchingFunctionalTests {

    private static final LocalDate D = LocalDate.of(2026, 11, 27);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ReconciliationReports reports;
    @TempDir
    Path dir;

    private void movement(String reference, String kind, String orderId, long amount, String state) {
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                    currency, business_date, state)
                VALUES (?, ?, ?, ?, 'tok', 1, ?, 'AED', ?, ?)""",
                kind.equals("VERIFICATION_REFUND") ? reference.replace("VC", "VR") + "-1" : reference, reference, kind, orderId, amount,
                java.sql.Date.valueOf(D), state);
    }

    @Test
    void everyMovementIsClassedAndCountedInTheSummary() throws Exception {
        Fixtures.resetEngineTables(jdbc);
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                VALUES ('tok', 'C', 'c@example.com', '400555******0001', '05/29', now(), 'VERIFIED', 'AGR-tok')""");
        for (String order : new String[] {"A", "B", "C", "D", "E"}) {
            jdbc.update("INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status) VALUES (?, 'C', 'tok', 1, 'AED', 'SHIPPED')", order);
        }
        movement("CH-A-1", "CHARGE", "A", 1000, "SUCCEEDED");
        movement("CH-B-1", "CHARGE", "B", 2000, "SUCCEEDED");
        movement("CH-C-1", "CHARGE", "C", 3000, "SUCCEEDED");
        movement("CH-D-1", "CHARGE", "D", 4000, "SUCCEEDED");
        movement("CH-E-1", "CHARGE", "E", 5000, "DECLINED");
        movement("VC-1-1", "VERIFICATION_CHARGE", null, 100, "SUCCEEDED");
        movement("VC-1-1", "VERIFICATION_REFUND", null, 100, "SUCCEEDED");
        Path settlement = Files.writeString(dir.resolve("aps-transactions.csv"), """
                fort_id,merchant_reference,operation,amount,currency,status,transaction_date
                1001,CH-A-1,PURCHASE,1000,AED,14,2026-11-27T01:00:00+04:00
                1003,CH-C-1,PURCHASE,30.01,AED,14,2026-11-27T01:00:00+04:00
                1004,CH-D-1,PURCHASE,4000,SAR,14,2026-11-27T01:00:00+04:00
                1005,CH-E-1,PURCHASE,5000,AED,14,2026-11-27T01:00:00+04:00
                1006,VC-1-1,PURCHASE,1.00,AED,Success,2026-11-27T01:00:00+04:00
                1006,VC-1-1,REFUND,100,AED,06,2026-11-27T01:00:00+04:00
                1009,CH-Z-1,PURCHASE,500,AED,14,2026-11-27T01:00:00+04:00
                """);

        assertThat(runner.run("reconcile", D, settlement).getStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(matchingClasses()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "CH-A-1 PURCHASE", "MATCHED",
                "CH-B-1 PURCHASE", "MISSING_AT_GATEWAY",
                "CH-C-1 PURCHASE", "AMOUNT_DIFFERS",
                "CH-D-1 PURCHASE", "CURRENCY_DIFFERS",
                "CH-E-1 PURCHASE", "STATUS_DIFFERS",
                "VC-1-1 PURCHASE", "MATCHED",
                "VC-1-1 REFUND", "MATCHED",
                "CH-Z-1 PURCHASE", "MISSING_IN_LEDGER"));
        String summary = Files.readString(reports.directory(D).resolve("summary-" + D + ".csv"));
        assertThat(summary).contains("AED,MATCHING,MATCHED,3,12.00\n").contains("AED,MATCHING,MISSING_AT_GATEWAY,1,20.00\n")
                .contains("AED,MATCHING,MISSING_IN_LEDGER,1,5.00\n").contains("AED,MATCHING,AMOUNT_DIFFERS,1,30.00\n")
                .contains("AED,MATCHING,CURRENCY_DIFFERS,1,40.00\n").contains("AED,MATCHING,STATUS_DIFFERS,1,50.00\n");
        assertThat(reports.directory(D).resolve("matching-" + D + ".csv.sha256")).exists();

        Path wrong = Files.writeString(dir.resolve("wrong.csv"), "reference,amount\nX,1\n");
        assertThatThrownBy(() -> reports.write(D, wrong)).isInstanceOf(InvalidInputException.class).hasMessageContaining("no column 'merchant_reference'");
    }

    /**
     * A report row for a movement the ledger holds on another date is that date's business, not missing from the
     * ledger; a row of the same reference with another operation still is. More rows than one batch of the look-up.
     */
    @Test
    void aReportRowOfAMovementOfAnotherDateIsNotMissing() throws Exception {
        Fixtures.resetEngineTables(jdbc);
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                VALUES ('tok', 'C', 'c@example.com', '400555******0001', '05/29', now(), 'VERIFIED', 'AGR-tok')""");
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                    currency, business_date, state)
                SELECT 'VC-Y' || i || '-1', 'VC-Y' || i || '-1', 'VERIFICATION_CHARGE', NULL, 'tok', 1, 700, 'AED', ?, 'SUCCEEDED'
                FROM generate_series(1, 1500) AS i""", java.sql.Date.valueOf(D.minusDays(1)));
        StringBuilder report = new StringBuilder("fort_id,merchant_reference,operation,amount,currency,status,transaction_date\n");
        for (int i = 1; i <= 1500; i++) {
            report.append(i).append(",VC-Y").append(i).append("-1,PURCHASE,700,AED,14,2026-11-26T23:00:00+04:00\n");
        }
        report.append("2001,VC-Y7-1,REFUND,700,AED,06,2026-11-27T01:00:00+04:00\n");
        report.append("2002,CH-X-1,PURCHASE,900,AED,14,2026-11-27T01:00:00+04:00\n");
        Path settlement = Files.writeString(dir.resolve("aps-transactions.csv"), report.toString());

        assertThat(runner.run("reconcile", D, settlement).getStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(matchingClasses()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "VC-Y7-1 REFUND", "MISSING_IN_LEDGER",
                "CH-X-1 PURCHASE", "MISSING_IN_LEDGER"));
    }

    /** The matching report's class of each reference and operation. */
    private Map<String, String> matchingClasses() throws Exception {
        Map<String, String> classes = new TreeMap<>();
        try (Reader in = Files.newBufferedReader(reports.directory(D).resolve("matching-" + D + ".csv"))) {
            for (CSVRecord row : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
                classes.put(row.get("merchant_reference") + " " + row.get("operation"), row.get("class"));
            }
        }
        return classes;
    }
}
