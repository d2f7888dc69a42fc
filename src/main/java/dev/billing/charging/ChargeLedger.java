package dev.billing.charging;

import dev.billing.gateway.GatewayReply;
import dev.billing.ledger.AttemptOutcomes;
import io.micrometer.core.instrument.Metrics;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The charge side of the payment ledger: which orders are due, the attempt rows committed before a charge is
 * sent, and what each outcome does to the attempt, the order and the token.
 */
@Component
public class ChargeLedger {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate newTransaction;

    public ChargeLedger(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.newTransaction = new TransactionTemplate(transactionManager);
        this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * Due on {@code date}, after {@code afterId} in id order: SHIPPED orders, and DEFERRED ones whose charge date
     * has come, whose retry date (if any) has come, and that have no charge in flight.
     */
    public List<DueOrder> duePage(LocalDate date, long afterId, int limit) {
        return jdbc.query("""
                SELECT o.id, o.order_id, o.token_name, t.status, t.customer_email, o.amount_minor, o.currency,
                       COALESCE((SELECT max(a.attempt) FROM payment_attempts a
                                 WHERE a.order_id = o.order_id AND a.kind = 'CHARGE'), 0) + 1 AS next_attempt
                FROM orders o JOIN tokens t ON t.token_name = o.token_name
                WHERE o.id > ? AND o.status IN ('SHIPPED', 'DEFERRED')
                  AND (o.status = 'SHIPPED' OR o.charge_on <= ?)
                  AND (o.next_attempt_on IS NULL OR o.next_attempt_on <= ?)
                  AND NOT EXISTS (SELECT 1 FROM payment_attempts a WHERE a.order_id = o.order_id AND a.kind = 'CHARGE'
                                  AND a.state IN ('PREPARED', 'SENT', 'UNKNOWN'))
                ORDER BY o.id
                LIMIT ?""",
                (rs, n) -> new DueOrder(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        Money.ofMinor(rs.getLong(6), CurrencyUnit.require(rs.getString(7))), rs.getInt(8)),
                afterId, Date.valueOf(date), Date.valueOf(date), limit);
    }

    /**
     * Refreshes the planner's statistics of the tables charging reads. After a large import they are stale, and a
     * plan made for an empty table turns the due-orders page into a scan per page (measured: 68 ms a page at 20,000).
     */
    public void refreshStatistics() {
        jdbc.execute("ANALYZE orders, tokens, payment_attempts");
    }

    /** How many orders are due on {@code date} (for progress output). */
    public long countDue(LocalDate date) {
        Long count = jdbc.queryForObject("""
                SELECT count(*) FROM orders o
                WHERE o.status IN ('SHIPPED', 'DEFERRED') AND (o.status = 'SHIPPED' OR o.charge_on <= ?)
                  AND (o.next_attempt_on IS NULL OR o.next_attempt_on <= ?)""", Long.class, Date.valueOf(date), Date.valueOf(date));
        return count == null ? 0 : count;
    }

    /**
     * Commits a PREPARED attempt row for each order, in a transaction of its own, before any of them is sent.
     * Returns the orders whose row was written; an order another run is charging at this moment (the database's
     * unique indexes refuse its row) is left out.
     */
    public List<DueOrder> prepare(List<DueOrder> orders, LocalDate date, long jobExecutionId) {
        if (orders.isEmpty()) {
            return List.of();
        }
        Set<String> written = new HashSet<>();
        newTransaction.executeWithoutResult(status -> jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt,
                                                  amount_minor, currency, business_date, state, job_execution_id)
                    SELECT r, r, 'CHARGE', o, t, n, a, c, ?, 'PREPARED', ?
                    FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::int8[], ?::text[]) AS x(r, o, t, n, a, c)
                    ON CONFLICT DO NOTHING
                    RETURNING attempt_reference""")) {
                ps.setDate(1, Date.valueOf(date));
                ps.setLong(2, jobExecutionId);
                ps.setArray(3, connection.createArrayOf("text", orders.stream().map(DueOrder::reference).toArray()));
                ps.setArray(4, connection.createArrayOf("text", orders.stream().map(DueOrder::orderId).toArray()));
                ps.setArray(5, connection.createArrayOf("text", orders.stream().map(DueOrder::tokenName).toArray()));
                ps.setArray(6, connection.createArrayOf("int4", orders.stream().map(DueOrder::nextAttempt).toArray()));
                ps.setArray(7, connection.createArrayOf("int8", orders.stream().map(o -> o.amount().minorUnits()).toArray()));
                ps.setArray(8, connection.createArrayOf("text", orders.stream().map(o -> o.amount().currency().code()).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        written.add(rs.getString(1));
                    }
                }
            }
            return null;
        }));
        return orders.stream().filter(o -> written.contains(o.reference())).toList();
    }

    /** Writes what the results mean, in the caller's transaction. */
    public void record(List<ChargeResult> results, LocalDate date, RetrySchedule schedule, long jobExecutionId) {
        List<Object[]> attempts = new ArrayList<>();
        List<Object[]> orders = new ArrayList<>();
        List<Object[]> tokens = new ArrayList<>();
        List<Object[]> holds = new ArrayList<>();
        List<Object[]> unsent = new ArrayList<>();
        for (ChargeResult result : results) {
            DueOrder order = result.order();
            switch (result.kind()) {
                case HELD -> holds.add(new Object[] {Date.valueOf(date), order.orderId(), order.tokenName(), result.reason(), jobExecutionId});
                case WITHDRAWN -> unsent.add(new Object[] {order.reference()});
                case NOT_SENT -> {
                    unsent.add(new Object[] {order.reference()});
                    holds.add(new Object[] {Date.valueOf(date), order.orderId(), order.tokenName(), result.reason(), jobExecutionId});
                }
                case SENT -> {
                    GatewayReply reply = result.reply();
                    ChargeOutcome outcome = ChargeOutcome.of(reply.outcome(), order.nextAttempt(), date, schedule, reply.describe());
                    attempts.add(AttemptOutcomes.row(reply, outcome.attemptState(), order.reference()));
                    String currency = order.amount().currency().code();
                    Metrics.counter("billing.charges", "outcome", reply.outcome().name(), "currency", currency).increment();
                    if (reply.outcome() == dev.billing.gateway.OutcomeClass.SUCCESS) {
                        Metrics.counter("billing.charged.amount.minor", "currency", currency).increment(order.amount().minorUnits());
                    }
                    if (reply.outcome().isFinal()) {
                        orders.add(new Object[] {outcome.orderStatus(), outcome.orderStatus(), order.nextAttempt(),
                            outcome.nextAttemptOn() == null ? null : Date.valueOf(outcome.nextAttemptOn()),
                            outcome.failureReason(), order.orderId()});
                    }
                    if (outcome.invalidateToken()) {
                        tokens.add(new Object[] {"hard decline on order " + order.orderId() + ": " + reply.describe(), order.tokenName()});
                    }
                }
            }
        }
        AttemptOutcomes.write(jdbc, attempts);
        if (!orders.isEmpty()) {
            jdbc.batchUpdate("""
                    UPDATE orders SET status = COALESCE(?, status), paid_at = CASE WHEN ? = 'PAID' THEN now() ELSE paid_at END,
                        attempt_count = GREATEST(attempt_count, ?), next_attempt_on = ?, failure_reason = ?, updated_at = now()
                    WHERE order_id = ? AND status <> 'PAID'""",
                    orders, orders.size(), (ps, row) -> {
                        ps.setString(1, (String) row[0]);
                        ps.setString(2, (String) row[1]);
                        ps.setInt(3, (Integer) row[2]);
                        if (row[3] == null) {
                            ps.setNull(4, Types.DATE);
                        } else {
                            ps.setDate(4, (Date) row[3]);
                        }
                        ps.setString(5, (String) row[4]);
                        ps.setString(6, (String) row[5]);
                    });
        }
        if (!tokens.isEmpty()) {
            jdbc.batchUpdate("UPDATE tokens SET status = 'INVALID', status_reason = ?, updated_at = now() WHERE token_name = ? AND status <> 'INVALID'", tokens);
        }
        if (!unsent.isEmpty()) {
            jdbc.batchUpdate("DELETE FROM payment_attempts WHERE attempt_reference = ? AND state = 'PREPARED'", unsent);
        }
        if (!holds.isEmpty()) {
            jdbc.batchUpdate("""
                    INSERT INTO charge_holds (business_date, order_id, token_name, reason, job_execution_id) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (business_date, order_id) DO UPDATE SET reason = excluded.reason,
                        job_execution_id = excluded.job_execution_id, held_at = now()""", holds);
        }
    }

    /** A charge attempt whose outcome is not known yet. */
    public record Unresolved(long id, DueOrder order, String state) {
    }

    /** CHARGE attempts in PREPARED, SENT or UNKNOWN, after {@code afterId} in id order. */
    public List<Unresolved> unresolvedPage(long afterId, int limit) {
        return jdbc.query("""
                SELECT a.id, o.id, a.order_id, a.token_name, t.status, t.customer_email, a.amount_minor, a.currency, a.attempt, a.state
                FROM payment_attempts a
                JOIN orders o ON o.order_id = a.order_id
                JOIN tokens t ON t.token_name = a.token_name
                WHERE a.id > ? AND a.kind = 'CHARGE' AND a.state IN ('PREPARED', 'SENT', 'UNKNOWN')
                ORDER BY a.id
                LIMIT ?""",
                (rs, n) -> new Unresolved(rs.getLong(1), new DueOrder(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), Money.ofMinor(rs.getLong(7), CurrencyUnit.require(rs.getString(8))), rs.getInt(9)),
                        rs.getString(10)),
                afterId, limit);
    }
}
