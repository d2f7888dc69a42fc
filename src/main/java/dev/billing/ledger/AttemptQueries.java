package dev.billing.ledger;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What others read of the payment ledger, one row at a time or a few figures at once, as records: an order's attempts
 * and the orders a reference names (the console), the night's charge figures, the open rows (metrics), whether a
 * movement is still in flight (the import, a status check from the console), and the row a notification speaks of,
 * locked for its settlement. The reports' readings are {@link LedgerMovements} and {@link LedgerFindings}.
 */
@Component
public class AttemptQueries {

    /** One ledger row of an order, as it stands. {@code initiatedBy} is null for a row a night wrote. */
    public record OrderAttempt(String reference, AttemptKind kind, int attempt, LocalDate businessDate, long amountMinor, String currency,
                               AttemptState state, String responseCode, String responseMessage, String fortId, Instant sentAt,
                               Instant resolvedAt, String detail, String initiatedBy, String gateway, String account) {
    }

    /** The charges of one business date in one currency, per state: counts and sums of minor units. */
    public record ChargeNight(LocalDate businessDate, String currency, long succeeded, long succeededMinor, long declined, long declinedMinor,
                              long failed, long failedMinor, long open, long openMinor, String account) {

        /** A night of the default account. */
        public ChargeNight(LocalDate businessDate, String currency, long succeeded, long succeededMinor, long declined, long declinedMinor,
                           long failed, long failedMinor, long open, long openMinor) {
            this(businessDate, currency, succeeded, succeededMinor, declined, declinedMinor, failed, failedMinor, open, openMinor,
                    dev.billing.gateway.GatewayAccounts.DEFAULT);
        }
    }

    /** The ledger row a notification speaks of, locked until the caller's transaction ends. */
    public record Locked(long id, String attemptReference, String merchantReference, AttemptKind kind, AttemptState state, int attempt,
                         long amountMinor, String currency, LocalDate businessDate, long jobExecutionId, String tokenName,
                         String orderId) {
    }

    private static final String LOCKED_COLUMNS = """
            SELECT id, attempt_reference, merchant_reference, kind, state, attempt, amount_minor, currency, business_date,
                   COALESCE(job_execution_id, 0), token_name, order_id
            FROM payment_attempts WHERE\s""";

    private final JdbcClient jdbc;

    public AttemptQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The order's ledger rows, oldest first. */
    public List<OrderAttempt> ofOrder(String orderId) {
        return jdbc.sql("""
                SELECT attempt_reference, kind, attempt, business_date, amount_minor, currency, state, response_code, response_message,
                       fort_id, sent_at, resolved_at, detail, initiated_by, gateway, account
                FROM payment_attempts WHERE order_id = :order ORDER BY id""")
                .param("order", orderId)
                .query((rs, n) -> new OrderAttempt(rs.getString(1), AttemptKind.valueOf(rs.getString(2)), rs.getInt(3),
                        rs.getDate(4).toLocalDate(), rs.getLong(5), rs.getString(6), AttemptState.of(rs.getString(7)), rs.getString(8),
                        rs.getString(9), rs.getString(10), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)), rs.getString(13),
                        rs.getString(14), rs.getString(15), rs.getString(16)))
                .list();
    }

    /**
     * The orders whose ledger rows a term names, as an attempt reference, a merchant reference or a gateway fort_id:
     * each an index lookup of its own (an OR across them would read every row).
     */
    public Set<String> ordersNamedBy(String term) {
        return new HashSet<>(jdbc.sql("""
                SELECT order_id FROM payment_attempts WHERE attempt_reference = :term AND order_id IS NOT NULL
                UNION SELECT order_id FROM payment_attempts WHERE merchant_reference = :term AND order_id IS NOT NULL
                UNION SELECT order_id FROM payment_attempts WHERE fort_id = :term AND order_id IS NOT NULL""")
                .param("term", term).query(String.class).list());
    }

    /**
     * The charges of every business date from {@code since} on, newest date first, then by account and currency: from the figures
     * the database keeps as ledger rows change (V25), not from the rows themselves, so a month of nights reads a few
     * hundred rows, not millions.
     */
    public List<ChargeNight> chargeNights(LocalDate since) {
        return jdbc.sql("""
                SELECT business_date, currency,
                       COALESCE(sum(movements) FILTER (WHERE state = 'SUCCEEDED'), 0), COALESCE(sum(amount_minor) FILTER (WHERE state = 'SUCCEEDED'), 0),
                       COALESCE(sum(movements) FILTER (WHERE state = 'DECLINED'), 0), COALESCE(sum(amount_minor) FILTER (WHERE state = 'DECLINED'), 0),
                       COALESCE(sum(movements) FILTER (WHERE state = 'FAILED'), 0), COALESCE(sum(amount_minor) FILTER (WHERE state = 'FAILED'), 0),
                       COALESCE(sum(movements) FILTER (WHERE state IN\s""" + AttemptState.OPEN_SQL + """
                ), 0),
                       COALESCE(sum(amount_minor) FILTER (WHERE state IN\s""" + AttemptState.OPEN_SQL + """
                ), 0), account
                FROM ledger_figures WHERE kind = 'CHARGE' AND business_date >= :since GROUP BY 1, 2, 11 HAVING sum(movements) <> 0
                ORDER BY 1 DESC, 11, 2""")
                .param("since", Date.valueOf(since))
                .query((rs, n) -> new ChargeNight(rs.getDate(1).toLocalDate(), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getString(11)))
                .list();
    }

    /** The accounts of the ledger rows of merchant reference {@code reference} (one, or none when there are no such rows). */
    public List<String> accountsOf(String reference) {
        return jdbc.sql("SELECT DISTINCT account FROM payment_attempts WHERE merchant_reference = :reference")
                .param("reference", reference).query(String.class).list();
    }

    /** How many rows are open: sent, or about to be, with no final outcome yet. */
    public long openCount() {
        return jdbc.sql("SELECT count(*) FROM payment_attempts WHERE state IN " + AttemptState.OPEN_SQL).query(Long.class).single();
    }

    /** How many verification charges were not given back yet. */
    public long verificationRefundsOwed() {
        return jdbc.sql("SELECT count(*) FROM verification_charges_owed").query(Long.class).single();
    }

    /** How long, in seconds, the oldest verification charge not given back has waited (0 when none). */
    public double verificationRefundOwedOldestAgeSeconds() {
        return jdbc.sql("SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM verification_charges_owed")
                .query(Double.class).single();
    }

    /** True when the verification charge {@code reference} is in the ledger without a final outcome. */
    public boolean verificationChargeOpen(String reference) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM payment_attempts WHERE attempt_reference = :reference AND kind IN "
                        + AttemptKind.VERIFICATION_CHARGES_SQL + " AND state " + AttemptState.NOT_SETTLED_SQL + ")")
                .param("reference", reference).query(Boolean.class).single();
    }

    /** Of {@code orderIds}, those with a charge not settled yet (in flight, or its outcome unknown). */
    public Set<String> chargesInFlight(List<String> orderIds) {
        if (orderIds.isEmpty()) {
            return Set.of();
        }
        // one array bound once (a list of a chunk's ids would be as many parameters)
        return new HashSet<>(jdbc.sql("SELECT DISTINCT order_id FROM payment_attempts WHERE order_id = ANY (?) AND kind = 'CHARGE' AND state "
                        + AttemptState.NOT_SETTLED_SQL)
                .param((Object) orderIds.toArray(String[]::new)).query(String.class).list());
    }

    /** The row {@code attemptReference} of one of {@code kinds}, locked. */
    public Optional<Locked> lock(String attemptReference, Set<AttemptKind> kinds) {
        return jdbc.sql(LOCKED_COLUMNS + "attempt_reference = :reference AND kind IN " + AttemptState.sqlList(kinds) + " FOR UPDATE")
                .param("reference", attemptReference).query(AttemptQueries::locked).optional();
    }

    /** The row {@code attemptReference} of one of {@code kinds} made for the movement {@code merchantReference}, locked. */
    public Optional<Locked> lock(String attemptReference, String merchantReference, Set<AttemptKind> kinds) {
        return jdbc.sql(LOCKED_COLUMNS + "attempt_reference = :reference AND merchant_reference = :merchant AND kind IN "
                        + AttemptState.sqlList(kinds) + " FOR UPDATE")
                .param("reference", attemptReference).param("merchant", merchantReference).query(AttemptQueries::locked).optional();
    }

    /** The latest row of one of {@code kinds} made for the movement {@code merchantReference}, locked. */
    public Optional<Locked> lockLatest(String merchantReference, Set<AttemptKind> kinds) {
        return jdbc.sql(LOCKED_COLUMNS + "merchant_reference = :merchant AND kind IN " + AttemptState.sqlList(kinds)
                        + " ORDER BY id DESC LIMIT 1 FOR UPDATE")
                .param("merchant", merchantReference).query(AttemptQueries::locked).optional();
    }

    private static Locked locked(ResultSet rs, int n) throws SQLException {
        return new Locked(rs.getLong(1), rs.getString(2), rs.getString(3), AttemptKind.valueOf(rs.getString(4)), AttemptState.of(rs.getString(5)),
                rs.getInt(6), rs.getLong(7), rs.getString(8), rs.getDate(9).toLocalDate(), rs.getLong(10), rs.getString(11), rs.getString(12));
    }

    private static Instant instant(Timestamp at) {
        return at == null ? null : at.toInstant();
    }
}
