package dev.billing.ledger;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What the ledger holds that a person must look at, as records: rows not settled with the gateway, verification charges
 * not given back, charges that failed for good, the exceptions the ledger recorded, and tokens still active at the
 * gateway that should not be. The exceptions report and the console's exceptions page read them.
 */
@Component
public class LedgerFindings {

    /** A row without a final outcome. {@code detail} says what is known: the last answer, or that none came. */
    public record Open(String reference, String orderId, String tokenName, long amountMinor, String currency, AttemptKind kind,
                       AttemptState state, LocalDate businessDate, String detail) {
    }

    /**
     * A verification charge not given back {@code ageDays} days after its date; {@code lastGiveBack} is the state and
     * answer of the latest refund or void sent for it, null when none was sent yet.
     */
    public record OwedRefund(String reference, String tokenName, long amountMinor, String currency, LocalDate businessDate, int ageDays,
                             String lastGiveBack) {
    }

    /** The last charge of an order that failed for good on the date, with the order's failure reason. */
    public record FailedCharge(String reference, String orderId, String tokenName, long amountMinor, String currency, String failureReason) {
    }

    /** A row of {@code ledger_exceptions}. {@code currency} is null when the exception concerns no amount. */
    public record Recorded(String type, String reference, String orderId, String tokenName, long amountMinor, String currency,
                           String detail, Instant createdAt) {
    }

    /**
     * An INVALID or DELETED token not deactivated at the gateway yet, with its latest deactivation attempt (all null
     * when none was sent).
     */
    public record PendingDeactivation(String tokenName, TokenStatus status, String reference, AttemptState state, LocalDate businessDate,
                                      String answer) {
    }

    private static final String RECORDED = """
            SELECT type, attempt_reference, order_id, token_name, amount_minor, currency, detail, created_at FROM ledger_exceptions
            WHERE\s""";

    private final JdbcClient jdbc;

    public LedgerFindings(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Rows of {@code date} or earlier still without a final outcome, in ledger order. */
    public List<Open> openUpTo(LocalDate date) {
        return jdbc.sql("""
                SELECT attempt_reference, order_id, token_name, amount_minor, currency, kind, state, business_date,
                       COALESCE(detail, response_code || ' ' || response_message, 'never answered')
                FROM payment_attempts WHERE state IN\s""" + AttemptState.OPEN_SQL + " AND business_date <= :date ORDER BY id")
                .param("date", Date.valueOf(date))
                .query((rs, n) -> new Open(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        AttemptKind.valueOf(rs.getString(6)), AttemptState.of(rs.getString(7)), rs.getDate(8).toLocalDate(), rs.getString(9)))
                .list();
    }

    /** Verification charges of {@code date} or earlier not given back yet, in ledger order. */
    public List<OwedRefund> owedRefundsUpTo(LocalDate date) {
        return jdbc.sql("""
                SELECT c.attempt_reference, c.token_name, c.amount_minor, c.currency, c.business_date, (:date - c.business_date) AS age,
                       (SELECT r.state || ' ' || COALESCE(r.response_code, r.detail, '') FROM payment_attempts r
                        WHERE r.merchant_reference = c.attempt_reference AND r.kind IN\s""" + AttemptKind.VERIFICATION_REVERSALS_SQL + """

                        ORDER BY r.attempt DESC LIMIT 1)
                FROM verification_charges_owed c WHERE c.business_date <= :date ORDER BY c.id""")
                .param("date", Date.valueOf(date))
                .query((rs, n) -> new OwedRefund(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getDate(5).toLocalDate(),
                        rs.getInt(6), rs.getString(7) == null ? null : rs.getString(7).trim()))
                .list();
    }

    /**
     * Orders whose last charge, made on {@code date}, left them PAYMENT_FAILED; by order id. Only a declined or failed
     * charge does ({@code ChargeOutcome}): the day's few such rows are read, through their own index, not all its charges.
     */
    public List<FailedCharge> failedChargesOn(LocalDate date) {
        return jdbc.sql("""
                SELECT a.attempt_reference, o.order_id, o.token_name, o.amount_minor, o.currency, o.failure_reason
                FROM payment_attempts a JOIN orders o ON o.order_id = a.order_id AND a.attempt = o.attempt_count
                WHERE a.kind = 'CHARGE' AND a.business_date = :date AND a.state IN ('DECLINED', 'FAILED') AND o.status = 'PAYMENT_FAILED'
                ORDER BY o.order_id""")
                .param("date", Date.valueOf(date))
                .query((rs, n) -> new FailedCharge(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getString(6)))
                .list();
    }

    /** The exceptions recorded for {@code date}, in the order they were found. */
    public List<Recorded> recordedOn(LocalDate date) {
        return jdbc.sql(RECORDED + "business_date = :date ORDER BY id").param("date", Date.valueOf(date)).query(LedgerFindings::recorded).list();
    }

    /** The exceptions recorded for an order, in the order they were found. */
    public List<Recorded> recordedFor(String orderId) {
        return jdbc.sql(RECORDED + "order_id = :order ORDER BY id").param("order", orderId).query(LedgerFindings::recorded).list();
    }

    private static Recorded recorded(ResultSet rs, int n) throws SQLException {
        return new Recorded(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getString(6),
                rs.getString(7), rs.getTimestamp(8).toInstant());
    }

    /** Tokens INVALID or DELETED in the engine and still active at the gateway, in token order. */
    public List<PendingDeactivation> pendingDeactivations() {
        return jdbc.sql("""
                SELECT t.token_name, t.status, d.attempt_reference, d.state, d.business_date,
                       COALESCE(d.response_code || ' ' || d.response_message, d.detail, '')
                FROM tokens t
                LEFT JOIN LATERAL (SELECT a.attempt_reference, a.state, a.business_date, a.response_code, a.response_message, a.detail
                                   FROM payment_attempts a WHERE a.token_name = t.token_name AND a.kind = 'TOKEN_DEACTIVATION'
                                   ORDER BY a.attempt DESC LIMIT 1) d ON TRUE
                WHERE t.status IN ('INVALID', 'DELETED') AND t.deactivated_at IS NULL ORDER BY t.id""")
                .query((rs, n) -> new PendingDeactivation(rs.getString(1), TokenStatus.valueOf(rs.getString(2)), rs.getString(3),
                        rs.getString(4) == null ? null : AttemptState.of(rs.getString(4)),
                        rs.getDate(5) == null ? null : rs.getDate(5).toLocalDate(), rs.getString(6)))
                .list();
    }
}
