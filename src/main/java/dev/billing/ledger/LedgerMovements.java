package dev.billing.ledger;

import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A business date's money movements as finance sees them ({@link Movement}), streamed in ledger order for the
 * reconciliation reports, with what the reports need to know beside them; and the orders held that date that no
 * movement counts.
 */
@Component
public class LedgerMovements {

    /**
     * Takes each movement, whether it is a verification charge that was given back, and whether it is the first charge
     * of its order on the date (in ledger order), the one an order is counted by.
     */
    @FunctionalInterface
    public interface Sink {
        void accept(Movement movement, boolean verificationGivenBack, boolean firstChargeOfOrder);
    }

    /** A movement of the ledger, by the reference the gateway knows it by, and its kind. */
    public record Reference(String merchantReference, AttemptKind kind) {
    }

    private final JdbcTemplate jdbc;
    private final JdbcClient sql;

    public LedgerMovements(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.sql = JdbcClient.create(jdbc);
    }

    /**
     * Streams the date's movements in ledger order. Whatever needs to know more than the row in hand is asked of the
     * database along with it (whether the charge was given back, whether an earlier charge of the same order was made
     * that date), so nothing grows with the number of movements.
     */
    public void forEach(LocalDate date, Sink sink) {
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
                       a.gateway, a.account
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
                rs.getString(12), rs.getInt(13), processed == null ? null : processed.toInstant(), rs.getString(17),
                rs.getString(18));
    }

    /** An order held and not charged: its amount, and its token's account. */
    public record Held(String account, Money amount) {
    }

    /** The amounts of the orders held on {@code date} that were not charged that date (a charge counts them already). */
    public List<Money> heldNotCharged(LocalDate date) {
        return heldNotChargedByAccount(date).stream().map(Held::amount).toList();
    }

    /** {@link #heldNotCharged}, each with its token's account. */
    public List<Held> heldNotChargedByAccount(LocalDate date) {
        return sql.sql("""
                SELECT o.amount_minor, o.currency, COALESCE(t.account, 'default')
                FROM charge_holds h JOIN orders o ON o.order_id = h.order_id LEFT JOIN tokens t ON t.token_name = o.token_name
                WHERE h.business_date = :date AND NOT EXISTS (
                    SELECT 1 FROM payment_attempts p WHERE p.order_id = h.order_id AND p.kind = 'CHARGE'
                    AND p.business_date = h.business_date)""")
                .param("date", Date.valueOf(date))
                .query((rs, n) -> new Held(rs.getString(3), Money.ofMinor(rs.getLong(1), CurrencyUnit.require(rs.getString(2)))))
                .list();
    }

    /** Of the movements {@code merchantReferences} name, those the ledger has on a date other than {@code date}. */
    public List<Reference> onOtherDates(Collection<String> merchantReferences, LocalDate date) {
        if (merchantReferences.isEmpty()) {
            return List.of();
        }
        return sql.sql("""
                SELECT DISTINCT merchant_reference, kind FROM payment_attempts
                WHERE merchant_reference = ANY (:references) AND business_date <> :date""")
                .param("references", merchantReferences.toArray(String[]::new)).param("date", Date.valueOf(date))
                .query((rs, n) -> new Reference(rs.getString(1), AttemptKind.valueOf(rs.getString(2))))
                .list();
    }

    /** When the last movement of {@code date} was settled (or sent, or prepared); empty when the date has none. */
    public Optional<Instant> lastMovedAt(LocalDate date) {
        return sql.sql("""
                SELECT max(COALESCE(resolved_at, sent_at, created_at)) FROM payment_attempts
                WHERE business_date = :date AND kind <> 'TOKEN_DEACTIVATION'""")
                .param("date", Date.valueOf(date)).query((rs, n) -> rs.getTimestamp(1)).optional().filter(java.util.Objects::nonNull)
                .map(Timestamp::toInstant);
    }
}
