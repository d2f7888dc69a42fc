package dev.billing.charging;

import dev.billing.batch.TokenPartition;
import dev.billing.events.EventType;
import dev.billing.events.Outbox;
import dev.billing.gateway.OutcomeClass;
import dev.billing.ledger.AfterCommit;
import dev.billing.ledger.AttemptKind;
import dev.billing.ledger.AttemptState;
import dev.billing.ledger.Attempts;
import dev.billing.ledger.LedgerExceptions;
import dev.billing.ledger.OrderStatus;
import dev.billing.ledger.RetrySchedule;
import dev.billing.ledger.TokenStatus;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import io.micrometer.core.instrument.Metrics;
import java.sql.Date;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
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

    /** Due on a business date ({@code :date}): shipped, or deferred to it; and not waiting for a retry date. */
    private static final String DUE_ON = """
            o.status IN ('SHIPPED', 'DEFERRED') AND (o.status = 'SHIPPED' OR o.charge_on <= :date)
              AND (o.next_attempt_on IS NULL OR o.next_attempt_on <= :date)""";

    private final JdbcTemplate jdbc;
    private final JdbcClient sql;
    private final LedgerExceptions exceptions;
    private final TransactionTemplate newTransaction;
    private final Attempts attempts;
    private final Outbox outbox;

    public ChargeLedger(JdbcTemplate jdbc, LedgerExceptions exceptions, PlatformTransactionManager transactionManager, Attempts attempts,
                        Outbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.sql = JdbcClient.create(jdbc);
        this.exceptions = exceptions;
        this.attempts = attempts;
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

    /**
     * {@link #duePage(LocalDate, long, int)} of the orders on the tokens of one partition. An order's charge attempts
     * (the last number, whether one is still open) are read by one aggregate per order through the order's own index:
     * the {@code NOT EXISTS} of before let the planner answer "no open attempt" with a scan of the whole ledger per
     * page, which grew with every night (227 ms a page at 500,000 ledger rows, against 77 ms now, the same at any size).
     */
    public List<DueOrder> duePage(LocalDate date, long afterId, int limit, TokenPartition partition) {
        return duePage(date, afterId, limit, partition, null);
    }

    /** {@link #duePage(LocalDate, long, int, TokenPartition)} of the orders on tokens of {@code account} (null: any account). */
    public List<DueOrder> duePage(LocalDate date, long afterId, int limit, TokenPartition partition, String account) {
        return duePage(date, afterId, limit, partition, account, java.util.Set.of());
    }

    /**
     * {@link #duePage(LocalDate, long, int, TokenPartition, String)}, and also the orders on tokens of no account in
     * {@code known} when it is not empty (an account taken out of the settings: the default lane reads them, to hold them).
     */
    public List<DueOrder> duePage(LocalDate date, long afterId, int limit, TokenPartition partition, String account,
                                  java.util.Set<String> known) {
        // A page is looked for among the next orders of the due index only, a window of (2 x the partitions) pages of
        // them: whatever plan the planner picks, a page then costs at most a window. Left to itself, over a month of
        // nights (most orders paid, a night's due among them) it took the due orders after a page's start for fewer
        // than a page (it counts the status condition twice, in the due index and in DUE_ON, and guesses a hash
        // condition at 0.5%), then read and sorted them all for each page: 80 ms a page, the night's charging down by
        // a third. A window with none of the partition's due orders moves on to the next.
        long after = afterId;
        int window = limit * partition.count() * 2;
        while (true) {
            Long bound = sql.sql("SELECT id FROM orders WHERE status IN ('SHIPPED', 'DEFERRED') AND id > :after ORDER BY id OFFSET :window LIMIT 1")
                    .param("after", after).param("window", window - 1).query(Long.class).optional().orElse(null);
            boolean orUnknown = account != null && !known.isEmpty();
            var statement = sql.sql(account == null ? duePageSql(partition) : duePageSql(partition, true, orUnknown));
            if (account != null) {
                statement = statement.param("account", account);
            }
            if (orUnknown) {
                statement = statement.param("known", known.toArray(String[]::new));
            }
            List<DueOrder> page = statement
                    .param("afterId", after).param("bound", bound == null ? Long.MAX_VALUE : bound).param("date", Date.valueOf(date))
                    .param("limit", limit)
                    .query((rs, n) -> new DueOrder(rs.getLong(1), rs.getString(2), rs.getString(3), TokenStatus.of(rs.getString(4)),
                            rs.getString(5), Money.ofMinor(rs.getLong(6), CurrencyUnit.require(rs.getString(7))), rs.getInt(8), rs.getInt(9),
                            rs.getString(10), rs.getString(11)))
                    .list();
            if (!page.isEmpty() || bound == null) {
                return page;
            }
            after = bound;
        }
    }

    /**
     * The due-orders page's SQL for {@code partition}: parameters {@code :afterId} and {@code :bound} (the ids after
     * one, up to the other), {@code :date} and {@code :limit}.
     */
    static String duePageSql(TokenPartition partition) {
        return duePageSql(partition, false, false);
    }

    /**
     * {@link #duePageSql(TokenPartition)}, with parameter {@code :account} keeping one account's tokens when {@code oneAccount},
     * and, with {@code orUnknown}, those of accounts not in the array {@code :known} too.
     */
    static String duePageSql(TokenPartition partition, boolean oneAccount, boolean orUnknown) {
        return """
                SELECT o.id, o.order_id, o.token_name, t.status, t.customer_email, o.amount_minor, o.currency,
                       COALESCE(p.last, 0) + 1 AS next_attempt, o.soft_declines, t.agreement_id, t.account
                FROM orders o JOIN tokens t ON t.token_name = o.token_name
                LEFT JOIN LATERAL (SELECT max(a.attempt) AS last, bool_or(a.state\s""" + AttemptState.NOT_SETTLED_SQL + """
                                   ) AS open
                                   FROM payment_attempts a WHERE a.order_id = o.order_id AND a.kind = 'CHARGE') p ON true
                WHERE o.id > :afterId AND o.id <= :bound AND\s""" + DUE_ON + " AND p.open IS NOT TRUE " + partition.filter("o.token_name")
                + (!oneAccount ? "" : orUnknown ? " AND (t.account = :account OR t.account <> ALL (:known)) " : " AND t.account = :account ")
                + """
                ORDER BY o.id
                LIMIT :limit""";
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
        return sql.sql("SELECT count(*) FROM orders o WHERE " + DUE_ON + partition.filter("o.token_name"))
                .param("date", Date.valueOf(date)).query(Long.class).single();
    }

    /** Orders the charge run of {@code date} has still to try: due, not held on that date, no charge of that date yet. */
    public long countLeftToTry(LocalDate date) {
        return sql.sql("""
                SELECT count(*) FROM orders o WHERE\s""" + DUE_ON + """
                  AND NOT EXISTS (SELECT 1 FROM charge_holds h WHERE h.order_id = o.order_id AND h.business_date = :date)
                  AND NOT EXISTS (SELECT 1 FROM payment_attempts a WHERE a.order_id = o.order_id AND a.kind = 'CHARGE'
                                  AND a.business_date = :date)""")
                .param("date", Date.valueOf(date)).query(Long.class).single();
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
        newTransaction.executeWithoutResult(status -> {
            Map<String, Locked> now = lockDue(orders, date);
            List<Attempts.New> rows = new ArrayList<>();
            for (DueOrder order : orders) {
                Locked locked = now.get(order.orderId());
                if (locked != null && locked.tokenName().equals(order.tokenName())) {
                    rows.add(new Attempts.New(order.reference(), order.reference(), AttemptKind.CHARGE, order.orderId(), order.tokenName(),
                            order.nextAttempt(), locked.amount(), date, jobExecutionId, null));
                }
            }
            Set<String> prepared = attempts.prepare(rows);
            rows.stream().filter(row -> prepared.contains(row.attemptReference())).forEach(row -> written.put(row.attemptReference(), row.amount()));
        });
        return orders.stream().filter(o -> written.containsKey(o.reference()))
                .map(o -> o.withAmount(written.get(o.reference()))).toList();
    }

    /** An order as it stands now, under its row lock. */
    private record Locked(String tokenName, Money amount) {
    }

    /**
     * Of these orders, those still due on {@code date}, read under the row lock the import's update takes too
     * ({@code FOR NO KEY UPDATE}, in id order on both sides), kept until the caller's transaction ends.
     */
    private Map<String, Locked> lockDue(List<DueOrder> orders, LocalDate date) {
        Map<String, Locked> locked = new HashMap<>();
        sql.sql("""
                SELECT o.order_id, o.token_name, o.amount_minor, o.currency FROM orders o
                WHERE o.order_id IN (:orders) AND\s""" + DUE_ON + """

                ORDER BY o.id
                FOR NO KEY UPDATE OF o""")
                .param("orders", orders.stream().map(DueOrder::orderId).toList()).param("date", Date.valueOf(date))
                .query(rs -> {
                    locked.put(rs.getString(1), new Locked(rs.getString(2), Money.ofMinor(rs.getLong(3), CurrencyUnit.require(rs.getString(4)))));
                });
        return locked;
    }

    /**
     * Writes what the results mean, in the caller's transaction: {@link ChargePlan#of} decides, {@link #apply} writes.
     * An outcome never overrides a status the import set: only a SHIPPED or DEFERRED order takes the outcome's status. A
     * success on an order that is neither (cancelled, say) is an exception for a person, with a refund decision, never a
     * silent PAID.
     */
    public void record(List<ChargeResult> results, LocalDate date, RetrySchedule schedule, long jobExecutionId) {
        apply(ChargePlan.of(results, date, schedule), date, jobExecutionId);
    }

    /**
     * Applies a plan, one statement per table: the sent charges' rows are settled; for each row that moved from open
     * to settled (none other), its order and token change; the withdrawn attempts' rows go; the holds are written.
     */
    void apply(ChargePlan plan, LocalDate date, long jobExecutionId) {
        List<Attempts.Outcome> settled = new ArrayList<>();
        for (ChargePlan.Settle settle : plan.settles()) {
            settled.add(new Attempts.Outcome(settle.reply(), settle.outcome().attemptState(), settle.due().reference()));
        }
        boolean[] moved = attempts.settle(settled);
        List<ChargePlan.Settle> applied = new ArrayList<>();
        for (int i = 0; i < moved.length; i++) {
            if (moved[i]) {
                applied.add(plan.settles().get(i)); // a row settled already had its effects when it was settled
            }
        }
        AfterCommit.run(() -> count(applied));
        updateOrders(applied.stream().filter(s -> s.order() != null).toList(), date);
        List<Object[]> tokens = applied.stream().filter(s -> s.token() != null)
                .map(s -> new Object[] {s.token().reason(), s.token().tokenName()}).toList();
        if (!tokens.isEmpty()) {
            jdbc.batchUpdate("UPDATE tokens SET status = 'INVALID', status_reason = ?, updated_at = now() WHERE token_name = ? AND status NOT IN ('INVALID', 'DELETED')", tokens);
        }
        attempts.withdraw(plan.withdrawn());
        outbox.append(events(applied, plan.holds(), date));
        if (!plan.holds().isEmpty()) {
            jdbc.batchUpdate("""
                    INSERT INTO charge_holds (business_date, order_id, token_name, reason, job_execution_id) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (business_date, order_id) DO UPDATE SET reason = excluded.reason,
                        job_execution_id = excluded.job_execution_id, held_at = now()""",
                    plan.holds().stream().map(h -> new Object[] {Date.valueOf(date), h.orderId(), h.tokenName(), h.reason(), jobExecutionId})
                            .toList());
        }
    }

    /**
     * What the outside world hears of a chunk, written with it: each final outcome of a charge that moved (succeeded,
     * declined with a retry date, failed for good), each token a decline showed dead, each order held.
     */
    static List<Outbox.Event> events(List<ChargePlan.Settle> applied, List<ChargePlan.Hold> holds, LocalDate date) {
        List<Outbox.Event> events = new ArrayList<>();
        for (ChargePlan.Settle settle : applied) {
            ChargePlan.OrderChange order = settle.order();
            if (order == null) {
                continue;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("order_id", order.orderId());
            data.put("token_name", settle.due().tokenName());
            data.put("attempt_reference", settle.due().reference());
            data.put("attempt", order.attempt());
            data.put("amount_minor", settle.due().amount().minorUnits());
            data.put("currency", settle.due().amount().currency().code());
            data.put("business_date", date.toString());
            data.put("response_code", settle.reply().responseCode());
            EventType type;
            if (order.paid()) {
                type = EventType.CHARGE_SUCCEEDED;
            } else if (order.nextAttemptOn() != null) {
                type = EventType.CHARGE_DECLINED;
                data.put("next_attempt_on", order.nextAttemptOn().toString());
                data.put("reason", order.failureReason() != null ? order.failureReason() : settle.reply().describe());
            } else {
                type = EventType.CHARGE_FAILED;
                data.put("reason", order.failureReason());
            }
            events.add(new Outbox.Event(type, data));
            if (settle.token() != null) {
                Map<String, Object> token = new LinkedHashMap<>();
                token.put("token_name", settle.token().tokenName());
                token.put("reason", settle.token().reason());
                events.add(new Outbox.Event(EventType.TOKEN_INVALID, token));
            }
        }
        for (ChargePlan.Hold hold : holds) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("order_id", hold.orderId());
            data.put("token_name", hold.tokenName());
            data.put("business_date", date.toString());
            data.put("reason", hold.reason());
            events.add(new Outbox.Event(EventType.ORDER_HELD, data));
        }
        return events;
    }

    /** The orders of final outcomes whose rows moved; a success on an order no longer due is an exception for a person. */
    private void updateOrders(List<ChargePlan.Settle> settles, LocalDate date) {
        if (settles.isEmpty()) {
            return;
        }
        int[][] updated = jdbc.batchUpdate("""
                UPDATE orders SET status = COALESCE(?, status), paid_at = CASE WHEN ? THEN now() ELSE paid_at END,
                    attempt_count = GREATEST(attempt_count, ?), next_attempt_on = ?, failure_reason = ?,
                    soft_declines = ?, updated_at = now()
                WHERE order_id = ? AND status IN ('SHIPPED', 'DEFERRED')""",
                settles, settles.size(), (ps, settle) -> {
                    ChargePlan.OrderChange order = settle.order();
                    ps.setString(1, order.status() == null ? null : order.status().name());
                    ps.setBoolean(2, order.status() == OrderStatus.PAID);
                    ps.setInt(3, order.attempt());
                    if (order.nextAttemptOn() == null) {
                        ps.setNull(4, Types.DATE);
                    } else {
                        ps.setDate(4, Date.valueOf(order.nextAttemptOn()));
                    }
                    ps.setString(5, order.failureReason());
                    ps.setInt(6, order.softDeclines());
                    ps.setString(7, order.orderId());
                });
        List<DueOrder> notDue = new ArrayList<>();
        for (int i = 0; i < settles.size(); i++) {
            if (settles.get(i).order().paid() && updated[0][i] == 0) {
                notDue.add(settles.get(i).due());
            }
        }
        recordChargedWhileNotDue(notDue, date);
    }

    /** Business counters, once the chunk that recorded these charges has committed. */
    private static void count(List<ChargePlan.Settle> settled) {
        for (ChargePlan.Settle settle : settled) {
            String currency = settle.due().amount().currency().code();
            Metrics.counter("billing.charges", "outcome", settle.reply().outcome().name(), "currency", currency).increment();
            if (settle.reply().outcome() == OutcomeClass.SUCCESS) {
                // a metric, not money: Prometheus values are doubles, exact for amounts of APS's 10 digits
                Metrics.counter("billing.charged.amount.minor", "currency", currency).increment((double) settle.due().amount().minorUnits());
            }
        }
    }

    private void recordChargedWhileNotDue(List<DueOrder> orders, LocalDate date) {
        for (DueOrder order : orders) {
            String status = jdbc.queryForObject("SELECT status FROM orders WHERE order_id = ?", String.class, order.orderId());
            if (OrderStatus.of(status) != OrderStatus.PAID) {
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
                   a.state, o.soft_declines, t.agreement_id, a.account
            FROM payment_attempts a
            JOIN orders o ON o.order_id = a.order_id
            JOIN tokens t ON t.token_name = a.token_name
            WHERE a.kind = 'CHARGE'""";

    private static final org.springframework.jdbc.core.RowMapper<Unresolved> UNRESOLVED_ROW = (rs, n) -> new Unresolved(rs.getLong(1),
            new DueOrder(rs.getLong(2), rs.getString(3), rs.getString(4), TokenStatus.of(rs.getString(5)), rs.getString(6),
                    Money.ofMinor(rs.getLong(7), CurrencyUnit.require(rs.getString(8))), rs.getInt(9), rs.getInt(11), rs.getString(12),
                    rs.getString(13)),
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
