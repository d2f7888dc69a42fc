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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code transactions-<date>.csv}: one row per money movement of the business date, in its final known state, in
 * ledger order. The movements are streamed from the database (flat memory, however many) and handed on as they are
 * written, for the summary's totals and the settlement matching.
 */
@Component
public class TransactionsReport {

    static final String[] HEADER = {"business_date", "merchant_reference", "kind", "order_id", "customer_id",
        "token_name", "amount", "amount_minor", "currency", "outcome", "response_code", "response_message", "fort_id", "attempt",
        "processed_at", "gateway"};
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /**
     * Takes each movement, whether it is a verification charge that was given back, and whether it is the first charge
     * of its order on the date (in ledger order), the one an order is counted by.
     */
    @FunctionalInterface
    public interface MovementSink {
        void accept(Movement movement, boolean verificationGivenBack, boolean firstChargeOfOrder);
    }

    private final JdbcTemplate jdbc;

    public TransactionsReport(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Writes the file, handing each movement to {@code sink} as it goes. */
    public void write(Path file, LocalDate date, MovementSink sink) {
        CsvReportFile.write(file, HEADER, csv -> forEachMovement(date, (m, givenBack, first) -> {
            sink.accept(m, givenBack, first);
            csv.writeNext(row(m), false);
        }));
    }

    /**
     * Streams the date's movements in ledger order (what the file holds, without writing it). Whatever needs to know
     * more than the row in hand is asked of the database along with it (whether the charge was given back, whether an
     * earlier charge of the same order was made that date), so nothing grows with the number of movements.
     */
    public void forEachMovement(LocalDate date, MovementSink sink) {
        JdbcTemplate streaming = new JdbcTemplate(jdbc.getDataSource());
        streaming.setFetchSize(1000);
        streaming.query("""
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
                           AND r.kind IN ('VERIFICATION_REFUND', 'VERIFICATION_VOID') AND r.state = 'SUCCEEDED') AS given_back,
                       a.kind = 'CHARGE' AND NOT EXISTS (
                           SELECT 1 FROM payment_attempts p WHERE p.order_id = a.order_id AND p.kind = 'CHARGE'
                           AND p.business_date = a.business_date AND p.id < a.id) AS first_charge_of_order,
                       a.gateway
                FROM payment_attempts a
                JOIN tokens t ON t.token_name = a.token_name
                LEFT JOIN orders o ON o.order_id = a.order_id
                WHERE a.business_date = ?
                ORDER BY a.id""", rs -> {
                    sink.accept(movement(rs), rs.getBoolean(15), rs.getBoolean(16));
                }, Date.valueOf(date));
    }

    private static Movement movement(ResultSet rs) throws SQLException {
        Timestamp processed = rs.getTimestamp(14);
        return new Movement(rs.getDate(1).toLocalDate(), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getLong(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                rs.getString(12), rs.getInt(13), processed == null ? null : processed.toInstant(), rs.getString(17));
    }

    static String[] row(Movement m) {
        return new String[] {m.businessDate().toString(), m.merchantReference(), m.kind(), nz(m.orderId()), nz(m.customerId()),
            m.tokenName(), amount(m.amountMinor(), m.currency()), Long.toString(m.amountMinor()), m.currency(), m.outcome(),
            nz(m.responseCode()), nz(m.responseMessage()), nz(m.fortId()), Integer.toString(m.attempt()),
            m.processedAt() == null ? "" : UTC.format(m.processedAt()), m.gateway()};
    }

    static String amount(long minor, String currency) {
        return Money.ofMinor(minor, CurrencyUnit.require(currency)).toPlainString();
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }
}
