package dev.billing.reconciliation;

import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import dev.billing.support.CsvReportFile;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes a business date's reports from committed ledger rows: {@code transactions-<date>.csv},
 * {@code summary-<date>.csv} and {@code exceptions-<date>.csv} in {@code <reports>/<date>/}. Nothing in them depends
 * on when they are written, so writing a date again gives the same bytes when nothing changed.
 */
@Component
public class ReconciliationReports {

    static final String[] TRANSACTIONS_HEADER = {"business_date", "merchant_reference", "kind", "order_id", "customer_id",
        "token_name", "amount", "amount_minor", "currency", "outcome", "response_code", "response_message", "fort_id", "attempt",
        "processed_at"};
    static final String[] SUMMARY_HEADER = {"currency", "kind", "outcome", "count", "amount"};
    static final String[] MATCHING_HEADER = {"class", "merchant_reference", "operation", "fort_id", "ledger_amount",
        "gateway_amount", "currency", "ledger_outcome", "gateway_status", "detail"};
    static final String[] EXCEPTIONS_HEADER = {"type", "reference", "order_id", "token_name", "amount", "currency", "detail"};
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final JdbcTemplate jdbc;
    private final SettlementMatching matching;
    private final Path reportsDir;
    private final String zone;

    public ReconciliationReports(JdbcTemplate jdbc, SettlementMatching matching, @Value("${billing.reports.dir:./reports}") Path reportsDir,
                                 @Value("${billing.zone:UTC}") String zone) {
        this.jdbc = jdbc;
        this.matching = matching;
        this.reportsDir = reportsDir;
        this.zone = zone;
    }

    public Path directory(LocalDate date) {
        return reportsDir.resolve(date.toString());
    }

    /** Writes the three files; returns their paths. */
    public List<Path> write(LocalDate date) {
        return write(date, (Path) null);
    }

    /**
     * Writes the three files and, given the gateway's transaction report, {@code matching-<date>.csv} with a count and
     * amount per class in the summary; returns their paths.
     */
    public List<Path> write(LocalDate date, Path settlement) {
        SettlementMatching.Run matchingRun = settlement == null ? null : matching.start(settlement);
        try {
            return writeAll(date, matchingRun);
        } finally {
            if (matchingRun != null) {
                matchingRun.end();
            }
        }
    }

    private List<Path> writeAll(LocalDate date, SettlementMatching.Run matchingRun) {
        Path dir = directory(date);
        Path transactions = dir.resolve("transactions-" + date + ".csv");
        Path summary = dir.resolve("summary-" + date + ".csv");
        Path exceptions = dir.resolve("exceptions-" + date + ".csv");
        SummaryBuilder totals = new SummaryBuilder();
        JdbcTemplate streaming = new JdbcTemplate(jdbc.getDataSource());
        streaming.setFetchSize(1000);
        CsvReportFile.write(transactions, TRANSACTIONS_HEADER, csv -> streaming.query("""
                SELECT a.business_date, a.merchant_reference, a.kind, a.order_id, COALESCE(o.customer_id, t.customer_id),
                       a.token_name, a.amount_minor, a.currency,
                       CASE WHEN a.state = 'SUCCEEDED' THEN 'SUCCESS'
                            WHEN a.state = 'FAILED' THEN 'FAILED'
                            WHEN a.state = 'DECLINED' AND (
                                 (a.kind = 'CHARGE' AND o.status = 'PAYMENT_FAILED' AND a.attempt >= o.attempt_count)
                              OR (a.kind IN ('VERIFICATION_CHARGE', 'VERIFICATION_AUTHORIZATION') AND t.status = 'INVALID'
                                  AND a.attempt >= t.verification_attempts)) THEN 'FAILED'
                            WHEN a.state = 'DECLINED' THEN 'DECLINED'
                            ELSE 'UNKNOWN' END AS outcome,
                       a.response_code, COALESCE(a.response_message, a.detail), a.fort_id, a.attempt,
                       COALESCE(a.resolved_at, a.sent_at, a.created_at),
                       a.kind IN ('VERIFICATION_CHARGE', 'VERIFICATION_AUTHORIZATION') AND EXISTS (
                           SELECT 1 FROM payment_attempts r WHERE r.merchant_reference = a.attempt_reference
                           AND r.kind IN ('VERIFICATION_REFUND', 'VERIFICATION_VOID') AND r.state = 'SUCCEEDED') AS given_back
                FROM payment_attempts a
                JOIN tokens t ON t.token_name = a.token_name
                LEFT JOIN orders o ON o.order_id = a.order_id
                WHERE a.business_date = ?
                ORDER BY a.id""", rs -> {
                    Movement m = movement(rs);
                    totals.add(m, rs.getBoolean(15));
                    if (matchingRun != null) {
                        matchingRun.add(m);
                    }
                    csv.writeNext(row(m), false);
                }, Date.valueOf(date)));
        jdbc.query("""
                SELECT h.order_id, o.amount_minor, o.currency FROM charge_holds h JOIN orders o ON o.order_id = h.order_id
                WHERE h.business_date = ? ORDER BY h.order_id""",
                rs -> {
                    totals.held(new SummaryBuilder.Held(rs.getString(1), rs.getLong(2), rs.getString(3)));
                }, Date.valueOf(date));
        List<SummaryBuilder.Row> matchingRows = new ArrayList<>();
        Path matchingFile = dir.resolve("matching-" + date + ".csv");
        if (matchingRun != null) {
            java.util.Map<String, long[]> perClass = new java.util.TreeMap<>();
            CsvReportFile.write(matchingFile, MATCHING_HEADER, csv -> matchingRun.forEachMatch(date, m -> {
                csv.writeNext(new String[] {m.matchClass().name(), m.merchantReference(), m.operation(), nz(m.fortId()),
                    m.ledgerAmount() == null ? "" : amount(m.ledgerAmount(), m.currency()),
                    m.gatewayAmount() == null ? "" : amount(m.gatewayAmount(), m.currency()), m.currency(), m.ledgerOutcome(),
                    m.gatewayStatus(), m.detail()}, false);
                long[] v = perClass.computeIfAbsent(m.currency() + "\u0000" + m.matchClass().name(), k -> new long[2]);
                v[0] = Math.addExact(v[0], 1);
                v[1] = Math.addExact(v[1], m.ledgerAmount() != null ? m.ledgerAmount() : m.gatewayAmount() == null ? 0 : m.gatewayAmount());
            }));
            perClass.forEach((key, v) -> {
                String[] parts = key.split("\u0000", -1);
                matchingRows.add(new SummaryBuilder.Row(parts[0], "MATCHING", parts[1], v[0], v[1]));
            });
        }
        CsvReportFile.write(summary, SUMMARY_HEADER, csv -> {
            for (SummaryBuilder.Row row : totals.rows()) {
                csv.writeNext(row.toCsv(), false);
            }
            for (SummaryBuilder.Row row : matchingRows) {
                csv.writeNext(row.toCsv(), false);
            }
        });
        CsvReportFile.write(exceptions, EXCEPTIONS_HEADER, csv -> {
            for (String[] row : exceptions(date)) {
                csv.writeNext(row, false);
            }
        });
        return matchingRun == null ? List.of(transactions, summary, exceptions) : List.of(transactions, summary, exceptions, matchingFile);
    }

    private static Movement movement(ResultSet rs) throws SQLException {
        Timestamp processed = rs.getTimestamp(14);
        return new Movement(rs.getDate(1).toLocalDate(), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getLong(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                rs.getString(12), rs.getInt(13), processed == null ? null : processed.toInstant());
    }

    static String[] row(Movement m) {
        return new String[] {m.businessDate().toString(), m.merchantReference(), m.kind(), nz(m.orderId()), nz(m.customerId()),
            m.tokenName(), amount(m.amountMinor(), m.currency()), Long.toString(m.amountMinor()), m.currency(), m.outcome(),
            nz(m.responseCode()), nz(m.responseMessage()), nz(m.fortId()), Integer.toString(m.attempt()),
            m.processedAt() == null ? "" : UTC.format(m.processedAt())};
    }

    private List<String[]> exceptions(LocalDate date) {
        List<String[]> rows = new ArrayList<>();
        Date d = Date.valueOf(date);
        jdbc.query("""
                SELECT attempt_reference, order_id, token_name, amount_minor, currency, kind, state, business_date,
                       COALESCE(detail, response_code || ' ' || response_message, 'never answered')
                FROM payment_attempts WHERE state IN ('PREPARED', 'SENT', 'UNKNOWN') AND business_date <= ? ORDER BY id""",
                rs -> {
                    rows.add(new String[] {"UNKNOWN_OUTCOME", rs.getString(1), nz(rs.getString(2)), rs.getString(3),
                        amount(rs.getLong(4), rs.getString(5)), rs.getString(5), rs.getString(6) + " of " + rs.getDate(8)
                        + " not resolved with the gateway (" + rs.getString(7) + "): " + rs.getString(9)});
                }, d);
        jdbc.query("""
                SELECT c.attempt_reference, c.token_name, c.amount_minor, c.currency, c.business_date, (? - c.business_date) AS age,
                       (SELECT r.state || ' ' || COALESCE(r.response_code, r.detail, '') FROM payment_attempts r
                        WHERE r.merchant_reference = c.attempt_reference AND r.kind IN ('VERIFICATION_REFUND', 'VERIFICATION_VOID')
                        ORDER BY r.attempt DESC LIMIT 1)
                FROM verification_charges_owed c WHERE c.business_date <= ? ORDER BY c.id""",
                rs -> {
                    String last = rs.getString(7);
                    rows.add(new String[] {"REFUND_OWED", rs.getString(1), "", rs.getString(2), amount(rs.getLong(3), rs.getString(4)),
                        rs.getString(4), "verification charge of " + rs.getDate(5) + " not given back for " + rs.getInt(6)
                        + " days; last attempt: " + (last == null ? "none yet" : last.trim())});
                }, d, d);
        jdbc.query("""
                SELECT h.order_id, h.token_name, o.amount_minor, o.currency, h.reason FROM charge_holds h
                JOIN orders o ON o.order_id = h.order_id WHERE h.business_date = ? ORDER BY h.order_id""",
                rs -> {
                    rows.add(new String[] {"ORDER_HELD", rs.getString(1), rs.getString(1), rs.getString(2),
                        amount(rs.getLong(3), rs.getString(4)), rs.getString(4), rs.getString(5)});
                }, d);
        jdbc.query("""
                SELECT a.attempt_reference, o.order_id, o.token_name, o.amount_minor, o.currency, o.failure_reason
                FROM orders o JOIN payment_attempts a ON a.order_id = o.order_id AND a.kind = 'CHARGE' AND a.attempt = o.attempt_count
                WHERE o.status = 'PAYMENT_FAILED' AND a.business_date = ? ORDER BY o.order_id""",
                rs -> {
                    rows.add(new String[] {"ORDER_FAILED", rs.getString(1), rs.getString(2), rs.getString(3),
                        amount(rs.getLong(4), rs.getString(5)), rs.getString(5), nz(rs.getString(6))});
                }, d);
        jdbc.query("""
                SELECT file_name, line_number, reason FROM import_rejects
                WHERE (rejected_at AT TIME ZONE ?)::date = ? ORDER BY file_name, line_number, id""",
                rs -> {
                    rows.add(new String[] {"IMPORT_REJECT", rs.getString(1) + ":" + rs.getLong(2), "", "", "", "", rs.getString(3)});
                }, zone, d);
        return rows;
    }

    static String amount(long minor, String currency) {
        return Money.ofMinor(minor, CurrencyUnit.require(currency)).toPlainString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
