package dev.billing.reconciliation;

import static dev.billing.reconciliation.TransactionsReport.amount;
import static dev.billing.reconciliation.TransactionsReport.nz;

import dev.billing.gateway.GatewayProperties;
import dev.billing.ledger.AttemptState;
import dev.billing.ledger.SimulatedNights;
import dev.billing.support.CsvReportFile;
import dev.billing.support.EngineProperties;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code exceptions-<date>.csv}: everything a person must look at: a night sent to the built-in simulator (first: none
 * of its money is real), outcomes not settled with the gateway, refunds
 * owed, orders held or out of retries, what the ledger found for a person to decide ({@code ledger_exceptions}), tokens
 * still active at the gateway that should not be (INVALID or DELETED, not deactivated yet), and the day's import rejects.
 */
@Component
public class ExceptionsReport {

    static final String[] HEADER = {"type", "reference", "order_id", "token_name", "amount", "currency", "detail"};

    private final JdbcTemplate jdbc;
    private final String zone;
    private final SimulatedNights simulated;

    public ExceptionsReport(JdbcTemplate jdbc, EngineProperties engine, SimulatedNights simulated) {
        this.jdbc = jdbc;
        this.zone = engine.zone().getId();
        this.simulated = simulated;
    }

    public void write(Path file, LocalDate date) {
        CsvReportFile.write(file, HEADER, csv -> {
            for (String[] row : rows(date)) {
                csv.writeNext(row, false);
            }
        });
    }

    /** The rows, in the order they are written. */
    public List<String[]> rows(LocalDate date) {
        List<String[]> rows = new ArrayList<>();
        Date d = Date.valueOf(date);
        long onSimulator = simulated.movements(date);
        if (onSimulator > 0) {
            rows.add(new String[] {"SIMULATED", GatewayProperties.SIMULATOR, "", "", "", "", onSimulator + " movements of " + date
                + " went to the built-in simulator (billing.gateway.simulator=true): no card was charged and no money moved;"
                + " they are not to be booked"});
        }
        jdbc.query("""
                SELECT attempt_reference, order_id, token_name, amount_minor, currency, kind, state, business_date,
                       COALESCE(detail, response_code || ' ' || response_message, 'never answered')
                FROM payment_attempts WHERE state IN\s""" + AttemptState.OPEN_SQL + " AND business_date <= ? ORDER BY id",
                rs -> {
                    rows.add(new String[] {"UNKNOWN_OUTCOME", rs.getString(1), nz(rs.getString(2)), rs.getString(3),
                        amount(rs.getLong(4), rs.getString(5)), rs.getString(5), rs.getString(6) + " of " + rs.getDate(8)
                        + " not resolved with the gateway (" + rs.getString(7) + "): " + rs.getString(9)});
                }, d);
        JdbcClient.create(jdbc).sql("""
                SELECT c.attempt_reference, c.token_name, c.amount_minor, c.currency, c.business_date, (:date - c.business_date) AS age,
                       (SELECT r.state || ' ' || COALESCE(r.response_code, r.detail, '') FROM payment_attempts r
                        WHERE r.merchant_reference = c.attempt_reference AND r.kind IN ('VERIFICATION_REFUND', 'VERIFICATION_VOID')
                        ORDER BY r.attempt DESC LIMIT 1)
                FROM verification_charges_owed c WHERE c.business_date <= :date ORDER BY c.id""")
                .param("date", d)
                .query(rs -> {
                    String last = rs.getString(7);
                    rows.add(new String[] {"REFUND_OWED", rs.getString(1), "", rs.getString(2), amount(rs.getLong(3), rs.getString(4)),
                        rs.getString(4), "verification charge of " + rs.getDate(5) + " not given back for " + rs.getInt(6)
                        + " days; last attempt: " + (last == null ? "none yet" : last.trim())});
                });
        jdbc.query("""
                SELECT h.order_id, h.token_name, o.amount_minor, o.currency, h.reason FROM charge_holds h
                JOIN orders o ON o.order_id = h.order_id WHERE h.business_date = ? ORDER BY h.order_id""",
                rs -> {
                    rows.add(new String[] {"ORDER_HELD", rs.getString(1), rs.getString(1), rs.getString(2),
                        amount(rs.getLong(3), rs.getString(4)), rs.getString(4), rs.getString(5)});
                }, d);
        jdbc.query("""
                SELECT a.attempt_reference, o.order_id, o.token_name, o.amount_minor, o.currency, o.failure_reason
                FROM payment_attempts a JOIN orders o ON o.order_id = a.order_id AND a.attempt = o.attempt_count
                WHERE a.kind = 'CHARGE' AND a.business_date = ? AND o.status = 'PAYMENT_FAILED' ORDER BY o.order_id""",
                rs -> {
                    rows.add(new String[] {"ORDER_FAILED", rs.getString(1), rs.getString(2), rs.getString(3),
                        amount(rs.getLong(4), rs.getString(5)), rs.getString(5), nz(rs.getString(6))});
                }, d);
        jdbc.query("""
                SELECT type, attempt_reference, order_id, token_name, amount_minor, currency, detail FROM ledger_exceptions
                WHERE business_date = ? ORDER BY id""",
                rs -> {
                    String currency = rs.getString(6);
                    rows.add(new String[] {rs.getString(1), nz(rs.getString(2)), nz(rs.getString(3)), nz(rs.getString(4)),
                        currency == null ? "" : amount(rs.getLong(5), currency), nz(currency), rs.getString(7)});
                }, d);
        jdbc.query("""
                SELECT t.token_name, t.status, d.attempt_reference, d.state, d.business_date,
                       COALESCE(d.response_code || ' ' || d.response_message, d.detail, '')
                FROM tokens t
                LEFT JOIN LATERAL (SELECT a.attempt_reference, a.state, a.business_date, a.response_code, a.response_message, a.detail
                                   FROM payment_attempts a WHERE a.token_name = t.token_name AND a.kind = 'TOKEN_DEACTIVATION'
                                   ORDER BY a.attempt DESC LIMIT 1) d ON TRUE
                WHERE t.status IN ('INVALID', 'DELETED') AND t.deactivated_at IS NULL ORDER BY t.id""",
                rs -> {
                    String last = rs.getString(3) == null ? "not sent yet (the next nightly sends it)"
                            : rs.getString(4) + " on " + rs.getDate(5) + (rs.getString(6).isBlank() ? "" : ": " + rs.getString(6).trim());
                    rows.add(new String[] {"TOKEN_DEACTIVATION_PENDING", nz(rs.getString(3)), "", rs.getString(1), "", "",
                        "token " + rs.getString(2) + " is still active at the gateway; last deactivation: " + last});
                });
        jdbc.query("""
                SELECT file_name, line_number, reason FROM import_rejects
                WHERE (rejected_at AT TIME ZONE ?)::date = ? ORDER BY file_name, line_number, id""",
                rs -> {
                    rows.add(new String[] {"IMPORT_REJECT", rs.getString(1) + ":" + rs.getLong(2), "", "", "", "", rs.getString(3)});
                }, zone, d);
        return rows;
    }

}
