package dev.billing.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.money.CurrencyUnit;
import dev.billing.operations.JobRunner;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Nights charged with the simulator's faults on, then the reports read with Commons CSV (not opencsv, which wrote
 * them): they tell the gateway's story. Every successful movement at the gateway is in the transactions once, with
 * the same amount; nothing is reported successful that the gateway did not take; summary totals per currency
 * equal the gateway's; rewriting a date gives the same bytes.
 * <p>
 * An outcome still unknown after {@code billing.resolve.tries} questions is left for the next night, by design. With
 * 14% of replies faulty and the default 3 tries, a deactivation sent on the third night stayed unknown about once in
 * 360 (0.14^3; the simulator's draws depend on the order of concurrent calls, so the seed does not fix them), and the
 * test failed now and then in CI. Eight tries make that about once in 7 million; the faults on first sends, which the
 * test is about, are unchanged.
 */
@EngineTest
@TestPropertySource(properties = {
    "billing.simulator.lost-reply-rate=0.06",
    "billing.simulator.technical-error-rate=0.04",
    "billing.simulator.bad-signature-rate=0.04",
    "billing.simulator.seed=99",
    "billing.resolve.backoff=20ms",
    "billing.resolve.tries=8",
    "billing.reports.dir=target/test-reports/nightly"
})
class NightlyReportsFunctionalTests {

    private static final LocalDate D = LocalDate.of(2026, 11, 27);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient inProcessGateway;
    @Autowired
    ReconciliationReports reports;

    private static List<String> difference(Map<String, Long> a, Map<String, Long> b) {
        List<String> missing = new ArrayList<>();
        a.forEach((key, amount) -> {
            if (!amount.equals(b.get(key))) {
                missing.add(key + "=" + amount + " vs " + b.get(key));
            }
        });
        return missing;
    }

    private static List<CSVRecord> read(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file)) {
            return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
    }

    @Test
    void theReportsTellTheGatewaysStory() throws Exception {
        Fixtures.resetEngineTables(jdbc);
        new Fixtures(jdbc).clearSimulator();
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT CASE WHEN i % 10 = 0 THEN 'tok-insufficient-funds-' || i ELSE 'tok-' || i END, 'C' || i, 'c@example.com',
                       '400555******0001', '05/29', now(), CASE WHEN i % 2 = 0 THEN 'NEW' ELSE 'VERIFIED' END, 'AGR-' || i
                FROM generate_series(1, 60) AS i""");
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                SELECT 'N-' || i, 'C', CASE WHEN (i % 60 + 1) % 10 = 0 THEN 'tok-insufficient-funds-' || (i % 60 + 1) ELSE 'tok-' || (i % 60 + 1) END,
                       100 + (i * 31) % 5000, (ARRAY['AED', 'KWD', 'JPY'])[i % 3 + 1], 'SHIPPED'
                FROM generate_series(1, 240) AS i""");

        List<LocalDate> nights = List.of(D, D.plusDays(1), D.plusDays(2));
        for (LocalDate night : nights) {
            assertThat(runner.run("nightly", night).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        }
        // a night's report shows each movement as it was known then; what later nights resolved, a rewrite shows
        for (LocalDate night : nights) {
            assertThat(runner.run("reconcile", night).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE state IN ('PREPARED', 'SENT', 'UNKNOWN')", Long.class))
                .as("everything resolved by the third night").isZero();

        Map<String, Long> reportedSuccess = new HashMap<>();
        Map<String, long[]> reportedTotals = new HashMap<>();
        for (LocalDate night : nights) {
            Path dir = reports.directory(night);
            List<CSVRecord> transactions = read(dir.resolve("transactions-" + night + ".csv"));
            for (CSVRecord row : transactions) {
                assertThat(row.get("business_date")).isEqualTo(night.toString());
                CurrencyUnit currency = CurrencyUnit.require(row.get("currency"));
                long minor = Long.parseLong(row.get("amount_minor"));
                String amount = row.get("amount");
                assertThat(amount).as("exactly the currency's digits")
                        .matches(currency.exponent() == 0 ? "\\d+" : "\\d+\\.\\d{" + currency.exponent() + "}");
                assertThat(new java.math.BigDecimal(amount).movePointRight(currency.exponent()).longValueExact()).isEqualTo(minor);
                assertThat(row.get("outcome")).isIn("SUCCESS", "DECLINED", "FAILED", "UNKNOWN");
                assertThat(row.get("processed_at")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
                if (row.get("outcome").equals("SUCCESS")) {
                    String key = row.get("kind") + " " + row.get("merchant_reference");
                    assertThat(reportedSuccess.put(key, minor)).as("reported once: " + key).isNull();
                    long signed = row.get("kind").equals("VERIFICATION_REFUND") ? -minor : minor;
                    if (row.get("kind").equals("TOKEN_DEACTIVATION")) {
                        assertThat(row.get("currency") + " " + minor).as("no money moves").isEqualTo("XXX 0");
                        continue;
                    }
                    reportedTotals.computeIfAbsent(row.get("currency"), c -> new long[1])[0] += signed;
                }
            }
            for (CSVRecord row : read(dir.resolve("summary-" + night + ".csv"))) {
                assertThat(row.size()).isEqualTo(5);
                Long.parseLong(row.get("count"));
            }
            assertThat(read(dir.resolve("exceptions-" + night + ".csv"))).allSatisfy(row -> assertThat(row.size()).isEqualTo(7));
        }

        Map<String, Long> gatewaySuccess = new HashMap<>();
        Map<String, long[]> gatewayTotals = new HashMap<>();
        jdbc.query("SELECT merchant_reference, captured_amount, refunded_amount, currency FROM aps_simulator.orders WHERE captured_amount > 0",
                rs -> {
                    String ref = rs.getString(1);
                    gatewaySuccess.put((ref.startsWith("CH-") ? "CHARGE " : "VERIFICATION_CHARGE ") + ref, rs.getLong(2));
                    if (rs.getLong(3) > 0) {
                        gatewaySuccess.put("VERIFICATION_REFUND " + ref, rs.getLong(3));
                    }
                    gatewayTotals.computeIfAbsent(rs.getString(4), c -> new long[1])[0] += rs.getLong(2) - rs.getLong(3);
                });
        // the tokens the verification gave up on were set INACTIVE: a movement of no money, reported as such
        jdbc.query("SELECT merchant_reference FROM aps_simulator.token_updates WHERE response_code = '58000'",
                rs -> {
                    gatewaySuccess.put("TOKEN_DEACTIVATION " + rs.getString(1), 0L);
                });
        assertThat(gatewaySuccess).as("faults happened and were resolved").hasSizeGreaterThan(200);
        assertThat(difference(gatewaySuccess, reportedSuccess)).as("taken at the gateway, not reported as such").isEmpty();
        assertThat(difference(reportedSuccess, gatewaySuccess)).as("reported successful, not taken by the gateway").isEmpty();
        Map<String, Long> reported = new HashMap<>();
        reportedTotals.forEach((c, v) -> reported.put(c, v[0]));
        Map<String, Long> gateway = new HashMap<>();
        gatewayTotals.forEach((c, v) -> gateway.put(c, v[0]));
        assertThat(reported).isEqualTo(gateway);

        Path summary = reports.directory(D).resolve("summary-" + D + ".csv");
        byte[] before = Files.readAllBytes(summary);
        byte[] transactionsBefore = Files.readAllBytes(reports.directory(D).resolve("transactions-" + D + ".csv"));
        assertThat(runner.run("reconcile", D).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(Files.readAllBytes(summary)).isEqualTo(before);
        assertThat(Files.readAllBytes(reports.directory(D).resolve("transactions-" + D + ".csv"))).isEqualTo(transactionsBefore);
        String sha = Files.readString(summary.resolveSibling(summary.getFileName() + ".sha256"));
        assertThat(sha).isEqualTo(java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(before))
                + "  summary-" + D + ".csv\n");
    }
}
