package dev.billing.reconciliation;

import static dev.billing.reconciliation.TransactionsReport.amount;
import static dev.billing.reconciliation.TransactionsReport.nz;

import dev.billing.gateway.GatewayProperties;
import dev.billing.ledger.AttemptKind;
import dev.billing.ledger.LedgerFindings;
import dev.billing.ledger.SimulatedNights;
import dev.billing.support.CsvReportFile;
import dev.billing.support.EngineProperties;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code exceptions-<date>.csv}: everything a person must look at: a night sent to the built-in simulator (first: none
 * of its money is real), outcomes not settled with the gateway, refunds
 * owed, orders held or out of retries, what the ledger found for a person to decide ({@code ledger_exceptions}), tokens
 * still active at the gateway that should not be (INVALID or DELETED, not deactivated yet), webhook deliveries given up
 * (until resent), customer notices the mail server refused or that were given up (for 30 days), and the day's import
 * rejects.
 */
@Component
public class ExceptionsReport {

    static final String[] HEADER = {"type", "reference", "order_id", "token_name", "amount", "currency", "detail"};
    /** A customer notice the mail server refused (or that was given up) is listed this many days after it was taken. */
    static final int NOTICES_LISTED_DAYS = 30;

    /**
     * One row of the report, its columns in order. {@code unsettled} is the kind of the ledger row whose outcome is not
     * known (an UNKNOWN_OUTCOME row), null for any other.
     */
    public record Row(String type, String reference, String orderId, String tokenName, String amount, String currency, String detail,
                      AttemptKind unsettled) {

        Row(String type, String reference, String orderId, String tokenName, String amount, String currency, String detail) {
            this(type, reference, orderId, tokenName, amount, currency, detail, null);
        }

        String[] csv() {
            return new String[] {type, reference, orderId, tokenName, amount, currency, detail};
        }
    }

    private final LedgerFindings ledger;
    private final JdbcClient jdbc;
    private final String zone;
    private final SimulatedNights simulated;

    private final AccountColumn account;

    public ExceptionsReport(LedgerFindings ledger, JdbcClient jdbc, EngineProperties engine, SimulatedNights simulated,
                            AccountColumn account) {
        this.account = account;
        this.ledger = ledger;
        this.jdbc = jdbc;
        this.zone = engine.zone().getId();
        this.simulated = simulated;
    }

    public void write(Path file, LocalDate date) {
        List<Row> rows = rows(date);
        Map<String, String> accounts = account.shown() ? accountsOf(rows) : Map.of();
        CsvReportFile.write(file, account.header(HEADER), csv -> {
            for (Row row : rows) {
                csv.writeNext(account.row(row.csv(), accounts.getOrDefault(row.tokenName(), "")), false);
            }
        });
    }

    /** The account of each token the rows name (a row about no token, such as an import reject, has none). */
    private Map<String, String> accountsOf(List<Row> rows) {
        String[] tokens = rows.stream().map(Row::tokenName).filter(t -> t != null && !t.isEmpty()).distinct().toArray(String[]::new);
        Map<String, String> found = new java.util.HashMap<>();
        if (tokens.length > 0) {
            jdbc.sql("SELECT token_name, account FROM tokens WHERE token_name = ANY (:tokens)").param("tokens", tokens)
                    .query(rs -> {
                        found.put(rs.getString(1), rs.getString(2));
                    });
        }
        return found;
    }

    /** The rows, in the order they are written. */
    public List<Row> rows(LocalDate date) {
        List<Row> rows = new ArrayList<>();
        long onSimulator = simulated.movements(date);
        if (onSimulator > 0) {
            rows.add(new Row("SIMULATED", GatewayProperties.SIMULATOR, "", "", "", "", onSimulator + " movements of " + date
                + " went to the built-in simulator (billing.gateway.simulator=true): no card was charged and no money moved;"
                + " they are not to be booked"));
        }
        for (LedgerFindings.Open o : ledger.openUpTo(date)) {
            rows.add(new Row("UNKNOWN_OUTCOME", o.reference(), nz(o.orderId()), o.tokenName(), amount(o.amountMinor(), o.currency()),
                    o.currency(), o.kind() + " of " + o.businessDate() + " not resolved with the gateway (" + o.state() + "): " + o.detail(),
                    o.kind()));
        }
        for (LedgerFindings.OwedRefund r : ledger.owedRefundsUpTo(date)) {
            rows.add(new Row("REFUND_OWED", r.reference(), "", r.tokenName(), amount(r.amountMinor(), r.currency()), r.currency(),
                    "verification charge of " + r.businessDate() + " not given back for " + r.ageDays() + " days; last attempt: "
                    + (r.lastGiveBack() == null ? "none yet" : r.lastGiveBack())));
        }
        jdbc.sql("""
                SELECT h.order_id, h.token_name, o.amount_minor, o.currency, h.reason FROM charge_holds h
                JOIN orders o ON o.order_id = h.order_id WHERE h.business_date = :date ORDER BY h.order_id""")
                .param("date", Date.valueOf(date))
                .query(rs -> {
                    rows.add(new Row("ORDER_HELD", rs.getString(1), rs.getString(1), rs.getString(2),
                        amount(rs.getLong(3), rs.getString(4)), rs.getString(4), rs.getString(5)));
                });
        for (LedgerFindings.FailedCharge f : ledger.failedChargesOn(date)) {
            rows.add(new Row("ORDER_FAILED", f.reference(), f.orderId(), f.tokenName(), amount(f.amountMinor(), f.currency()), f.currency(),
                    nz(f.failureReason())));
        }
        for (LedgerFindings.Recorded e : ledger.recordedOn(date)) {
            rows.add(new Row(e.type(), nz(e.reference()), nz(e.orderId()), nz(e.tokenName()),
                    e.currency() == null ? "" : amount(e.amountMinor(), e.currency()), nz(e.currency()), e.detail()));
        }
        for (LedgerFindings.PendingDeactivation p : ledger.pendingDeactivations()) {
            String last = p.reference() == null ? "not sent yet (the next nightly sends it)"
                    : p.state() + " on " + p.businessDate() + (p.answer().isBlank() ? "" : ": " + p.answer().trim());
            rows.add(new Row("TOKEN_DEACTIVATION_PENDING", nz(p.reference()), "", p.tokenName(), "", "",
                    "token " + p.status() + " is still active at the gateway; last deactivation: " + last));
        }
        jdbc.sql("""
                SELECT d.event_id, d.endpoint, o.type, d.attempts, coalesce(d.last_error, 'HTTP ' || d.last_status, '') FROM event_deliveries d
                JOIN outbox o ON o.event_id = d.event_id
                WHERE d.status = 'GAVE_UP' AND (o.occurred_at AT TIME ZONE :zone)::date <= :date ORDER BY o.id, d.endpoint""")
                .param("zone", zone).param("date", Date.valueOf(date))
                .query(rs -> {
                    rows.add(new Row("WEBHOOK_GAVE_UP", rs.getString(1), "", "", "", "", rs.getString(3) + " to endpoint " + rs.getString(2)
                        + " given up after " + rs.getInt(4) + " attempts (" + rs.getString(5) + "); the console's Events page resends it"));
                });
        jdbc.sql("""
                SELECT n.event_id, n.order_id, n.token_name, n.kind, n.customer_id, n.status, n.detail FROM notices n
                WHERE n.status IN ('REFUSED', 'GAVE_UP') AND (n.created_at AT TIME ZONE :zone)::date BETWEEN :from AND :date
                ORDER BY n.id""")
                .param("zone", zone).param("date", Date.valueOf(date)).param("from", Date.valueOf(date.minusDays(NOTICES_LISTED_DAYS)))
                .query(rs -> {
                    rows.add(new Row("NOTICE_" + rs.getString(6), rs.getString(1), nz(rs.getString(2)), rs.getString(3), "", "",
                        rs.getString(4) + " notice to customer " + rs.getString(5) + " not sent: " + nz(rs.getString(7))));
                });
        jdbc.sql("""
                SELECT file_name, line_number, reason FROM import_rejects
                WHERE (rejected_at AT TIME ZONE :zone)::date = :date ORDER BY file_name, line_number, id""")
                .param("zone", zone).param("date", Date.valueOf(date))
                .query(rs -> {
                    rows.add(new Row("IMPORT_REJECT", rs.getString(1) + ":" + rs.getLong(2), "", "", "", "", rs.getString(3)));
                });
        return rows;
    }

}
