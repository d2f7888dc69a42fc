package dev.billing.charging;

import dev.billing.batch.TokenPartition;
import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.ledger.AfterCommit;
import dev.billing.ledger.AttemptOutcomes;
import dev.billing.ledger.AttemptState;
import dev.billing.ledger.LedgerExceptions;
import dev.billing.ledger.RetrySchedule;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import io.micrometer.core.instrument.Metrics;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** Due on a business date (bound twice, to the date): shipped, or deferred to it; and not waiting for a retry date. */
    private static final String DUE_ON = """
            o.status IN ('SHIPPED', 'DEFERRED') AND (o.status = 'SHIPPED' OR o.charge_on <= ?)
              AND (o.next_attempt_on IS NULL OR o.next_attempt_on <= ?)""";

    private final JdbcTemplate jdbc;
    private final LedgerExceptions exceptions;
    private final TransactionTemplate newTransaction;
    private final GatewayProperties gateway;

    public ChargeLedger(JdbcTemplate jdbc, LedgerExceptions exceptions, PlatformTransactionManager transactionManager,
                        GatewayProperties gateway) {
        this.jdbc = jdbc;
        this.exceptions = exceptions;
        this.gateway = gateway;
        this.newTransaction = new TransactionTemplate(transactionManager);
        this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * Due on {@code date}, after {@code afterId} in id order: SHIPPED orders, and DEFERRED ones whose charge date
     * has come, whose retry date (if any) has come, and that have no charge in flight.
     */
    public List<DueOrder> duePage(LocalDate date, long afterId, int limit) {
        return duePage(date, afterId, limit, TokenPartition.WHOLE);
    }

    /** {@link #duePage(LocalDate, long, int)} of the orders on the tokens of one partition. */
    public List<DueOrder> duePage(LocalDate date, long afterId, int limit, TokenPartition partition) {
        return jdbc.query("""
                SELECT o.id, o.order_id, o.token_name, t.status, t.customer_email, o.amount_minor, o.currency,
                       COALESCE((SELECT max(a.attempt) FROM payment_attempts a
                                 WHERE a.order_id = o.order_id AND a.kind = 'CHARGE'), 0) + 1 AS next_attempt,
                       o.soft_declines, t.agreement_id
                FROM orders o JOIN tokens t ON t.token_name = o.token_name
                WHERE o.id > ? AND\s""" + DUE_ON + """
                  AND NOT EXISTS (SELECT 1 FROM payment_attempts a WHERE a.order_id = o.order_id AND a.kind = 'CHARGE'
                                  AND a.state\s""" + AttemptState.NOT_SETTLED_SQL + """
                )""" + partition.filter("o.token_name") + """
                ORDER BY o.id
                LIMIT ?""",
                (rs, n) -> new DueOrder(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        Money.ofMinor(rs.getLong(6), CurrencyUnit.require(rs.getString(7))), rs.getInt(8), rs.getInt(9), rs.getString(10)),
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
        return countDue(date, TokenPartition.WHOLE);
    }

    /** How many orders on the tokens of {@code partition} are due on {@code date}. */
    public long countDue(LocalDate date, TokenPartition partition) {
        Long count = jdbc.queryForObject("""
                SELECT count(*) FROM orders o WHERE\s""" + DUE_ON + partition.filter("o.token_name"), Long.class, Date.valueOf(date),
                Date.valueOf(date));
        return count == null ? 0 : count;
    }

    /** Orders the charge run of {@code date} has still to try: due, not held on that date, no charge of that date yet. */
    public long countLeftToTry(LocalDate date) {
        Long count = jdbc.queryForObject("""
                SELECT count(*) FROM orders o WHERE\s""" + DUE_ON + """
                  AND NOT EXISTS (SELECT 1 FROM charge_holds h WHERE h.order_id = o.order_id AND h.business_date = ?)
                  AND NOT EXISTS (SELECT 1 FROM payment_attempts a WHERE a.order_id = o.order_id AND a.kind = 'CHARGE'
                                  AND a.business_date = ?)""", Long.class, Date.valueOf(date), Date.valueOf(date), Date.valueOf(date),
                Date.valueOf(date));
        return count == null ? 0 : count;
    }

    /**
     * Commits a PREPARED attempt row for each order, in a transaction of its own, before any of them is sent.
     *
     * <p>The orders are read again under a row lock that the import's update takes too ({@code FOR NO KEY UPDATE}, in
     * id order on both sides), and the row is written from what they say now: an order the import cancelled or made
     * not due since the page was read gets no row; one it re-priced is charged at its new amount. Once the row is
     * committed, the import refuses to change the order until the gateway has settled it. Returns the orders whose
     * row was written, with the amount written; an order another run is charging at this moment (the database's
     * unique indexes refuse its row) or whose token changed meanwhile is left out.
     */
    public List<DueOrder> prepare(List<DueOrder> orders, LocalDate date, long jobExecutionId) {
        if (orders.isEmpty()) {
            return List.of();
        }
        Map<String, Money> written = new HashMap<>();
        String target = gateway.target();
        newTransaction.executeWithoutResult(status -> jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    WITH wanted AS (SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::int[]) AS x(r, o, t, n)),
                    locked AS (
                        SELECT o.order_id, o.token_name, o.amount_minor, o.currency FROM orders o
                        WHERE o.order_id IN (SELECT w.o FROM wanted w) AND\s""" + DUE_ON + """
                        ORDER BY o.id
                        FOR NO KEY UPDATE OF o)
                    INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt,
                                                  amount_minor, currency, business_date, state, job_execution_id, gateway)
                    SELECT w.r, w.r, 'CHARGE', l.order_id, l.token_name, w.n, l.amount_minor, l.currency, ?, 'PREPARED', ?, ?
                    FROM locked l JOIN wanted w ON w.o = l.order_id AND w.t = l.token_name
                    ON CONFLICT DO NOTHING
                    RETURNING attempt_reference, amount_minor, currency""")) {
                ps.setArray(1, connection.createArrayOf("text", orders.stream().map(DueOrder::reference).toArray()));
                ps.setArray(2, connection.createArrayOf("text", orders.stream().map(DueOrder::orderId).toArray()));
                ps.setArray(3, connection.createArrayOf("text", orders.stream().map(DueOrder::tokenName).toArray()));
                ps.setArray(4, connection.createArrayOf("int4", orders.stream().map(DueOrder::nextAttempt).toArray()));
                ps.setDate(5, Date.valueOf(date));
                ps.setDate(6, Date.valueOf(date));
                ps.setDate(7, Date.valueOf(date));
                ps.setLong(8, jobExecutionId);
                ps.setString(9, target);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        written.put(rs.getString(1), Money.ofMinor(rs.getLong(2), CurrencyUnit.require(rs.getString(3))));
                    }
                }
            }
            return null;
        }));
        return orders.stream().filter(o -> written.containsKey(o.reference()))
                .map(o -> o.withAmount(written.get(o.reference()))).toList();
    }

    /** The gateway each new row names ({@link GatewayProperties#target}). */
    public String gatewayTarget() {
        return gateway.target();
    }

    /**
     * Writes what the results mean, in the caller's transaction. An outcome never overrides a status the import set:
     * only a SHIPPED or DEFERRED order takes the outcome's status. A success on an order that is neither (cancelled,
     * say) is an exception for a person, with a refund decision, never a silent PAID.
     */
    public void record(List<ChargeResult> results, LocalDate date, RetrySchedule schedule, long jobExecutionId) {
        List<Object[]> attempts = new ArrayList<>();
        List<Object[]> orders = new ArrayList<>();
        List<DueOrder> successes = new ArrayList<>();
        List<Object[]> tokens = new ArrayList<>();
        List<Object[]> holds = new ArrayList<>();
        List<Object[]> unsent = new ArrayList<>();
        List<ChargeResult> counted = new ArrayList<>();
        List<ChargeResult> sent = new ArrayList<>();
        List<ChargeOutcome> outcomes = new ArrayList<>();
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
                    ChargeOutcome outcome = ChargeOutcome.of(reply.outcome(), order.softDeclines(), date, schedule, reply.describe());
                    attempts.add(AttemptOutcomes.row(reply, outcome.attemptState(), order.reference()));
                    sent.add(result);
                    outcomes.add(outcome);
                }
            }
        }
        boolean[] moved = AttemptOutcomes.write(jdbc, attempts);
        for (int i = 0; i < sent.size(); i++) {
            if (!moved[i]) {
                continue; // settled already, by a notification, a status check or another run: its effects were applied then
            }
            ChargeResult result = sent.get(i);
            DueOrder order = result.order();
            GatewayReply reply = result.reply();
            ChargeOutcome outcome = outcomes.get(i);
            counted.add(result);
            if (reply.outcome().isFinal()) {
                orders.add(new Object[] {outcome.orderStatus(), outcome.orderStatus(), order.nextAttempt(),
                    outcome.nextAttemptOn() == null ? null : Date.valueOf(outcome.nextAttemptOn()),
                    outcome.failureReason(), outcome.softDeclines(), order.orderId()});
                successes.add(reply.outcome() == OutcomeClass.SUCCESS ? order : null);
            }
            if (outcome.invalidateToken()) {
                tokens.add(new Object[] {"hard decline on order " + order.orderId() + ": " + reply.describe(), order.tokenName()});
            }
        }
        AfterCommit.run(() -> count(counted));
        if (!orders.isEmpty()) {
            int[][] updated = jdbc.batchUpdate("""
                    UPDATE orders SET status = COALESCE(?, status), paid_at = CASE WHEN ? = 'PAID' THEN now() ELSE paid_at END,
                        attempt_count = GREATEST(attempt_count, ?), next_attempt_on = ?, failure_reason = ?,
                        soft_declines = ?, updated_at = now()
                    WHERE order_id = ? AND status IN ('SHIPPED', 'DEFERRED')""",
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
                        ps.setInt(6, (Integer) row[5]);
                        ps.setString(7, (String) row[6]);
                    });
            List<DueOrder> notDue = new ArrayList<>();
            for (int i = 0; i < successes.size(); i++) {
                if (successes.get(i) != null && updated[0][i] == 0) {
                    notDue.add(successes.get(i));
                }
            }
            recordChargedWhileNotDue(notDue, date);
        }
        if (!tokens.isEmpty()) {
            jdbc.batchUpdate("UPDATE tokens SET status = 'INVALID', status_reason = ?, updated_at = now() WHERE token_name = ? AND status NOT IN ('INVALID', 'DELETED')", tokens);
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

    /** Business counters, once the chunk that recorded these results has committed. */
    private static void count(List<ChargeResult> sent) {
        for (ChargeResult result : sent) {
            String currency = result.order().amount().currency().code();
            Metrics.counter("billing.charges", "outcome", result.reply().outcome().name(), "currency", currency).increment();
            if (result.reply().outcome() == OutcomeClass.SUCCESS) {
                // a metric, not money: Prometheus values are doubles, exact for amounts of APS's 10 digits
                Metrics.counter("billing.charged.amount.minor", "currency", currency).increment((double) result.order().amount().minorUnits());
            }
        }
    }

    private void recordChargedWhileNotDue(List<DueOrder> orders, LocalDate date) {
        for (DueOrder order : orders) {
            String status = jdbc.queryForObject("SELECT status FROM orders WHERE order_id = ?", String.class, order.orderId());
            if (!"PAID".equals(status)) {
                exceptions.add(date, LedgerExceptions.CHARGED_ORDER_NOT_DUE, order.reference(), order.orderId(), order.tokenName(),
                        order.amount(), "the gateway took " + order.amount() + " for order " + order.orderId() + " whose status is "
                                + status + "; the order was left " + status + ": decide whether to refund it");
            }
        }
    }

    /** One line per currency: the orders charged on {@code date}, and their total. */
    public List<String> chargedPerCurrency(LocalDate date) {
        List<String> lines = new ArrayList<>();
        jdbc.query("""
                SELECT currency, count(*), sum(amount_minor) FROM payment_attempts
                WHERE kind = 'CHARGE' AND state = 'SUCCEEDED' AND business_date = ? GROUP BY currency ORDER BY currency""",
                rs -> {
                    Money total = Money.ofMinor(rs.getLong(3), CurrencyUnit.require(rs.getString(1)));
                    lines.add(String.format("charged on %s: %,d orders, %s", date, rs.getLong(2), total));
                }, Date.valueOf(date));
        return lines;
    }

    /** A charge attempt whose outcome is not known yet. */
    public record Unresolved(long id, DueOrder order, AttemptState state) {
    }

    private static final String UNRESOLVED = """
            SELECT a.id, o.id, a.order_id, a.token_name, t.status, t.customer_email, a.amount_minor, a.currency, a.attempt,
                   a.state, o.soft_declines, t.agreement_id
            FROM payment_attempts a
            JOIN orders o ON o.order_id = a.order_id
            JOIN tokens t ON t.token_name = a.token_name
            WHERE a.kind = 'CHARGE'""";

    private static final org.springframework.jdbc.core.RowMapper<Unresolved> UNRESOLVED_ROW = (rs, n) -> new Unresolved(rs.getLong(1),
            new DueOrder(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                    Money.ofMinor(rs.getLong(7), CurrencyUnit.require(rs.getString(8))), rs.getInt(9), rs.getInt(11), rs.getString(12)),
            AttemptState.of(rs.getString(10)));

    /** CHARGE attempts still open (PREPARED or UNKNOWN), after {@code afterId} in id order. */
    public List<Unresolved> unresolvedPage(long afterId, int limit) {
        return unresolvedPage(afterId, limit, TokenPartition.WHOLE);
    }

    /** {@link #unresolvedPage(long, int)} of the attempts on the tokens of one partition. */
    public List<Unresolved> unresolvedPage(long afterId, int limit, TokenPartition partition) {
        return jdbc.query(UNRESOLVED + " AND a.state IN " + AttemptState.OPEN_SQL + partition.filter("a.token_name")
                + " AND a.id > ? ORDER BY a.id LIMIT ?",
                UNRESOLVED_ROW, afterId, limit);
    }

    /** The open CHARGE attempt with this reference, if it is open. */
    public java.util.Optional<Unresolved> unresolved(String attemptReference) {
        return jdbc.query(UNRESOLVED + " AND a.attempt_reference = ? AND a.state " + AttemptState.NOT_SETTLED_SQL, UNRESOLVED_ROW,
                attemptReference).stream().findFirst();
    }
}
