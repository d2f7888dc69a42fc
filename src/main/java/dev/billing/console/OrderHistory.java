package dev.billing.console;

import dev.billing.gateway.GatewayAccounts;
import dev.billing.gateway.GatewayProperties;
import dev.billing.ledger.AttemptQueries;
import dev.billing.ledger.LedgerFindings;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** An order's whole history for the console: the order, its attempts and gateway replies, holds, notifications, exceptions. */
@Component
public class OrderHistory {

    /** The order as it stands. */
    public record Order(String orderId, String customerId, String tokenName, String amount, String currency, String status,
                        String chargeOn, int attempts, String nextAttemptOn, String failureReason, String tokenStatus) {
    }

    /** One ledger row of the order. */
    public record Attempt(String reference, String kind, int attempt, String businessDate, String amount, String state,
                          String responseCode, String responseMessage, String fortId, String sentAt, String resolvedAt, String detail, String by,
                          String gateway) {
    }

    /** Any other line of its history: a hold, a notification, an exception. */
    public record Event(String at, String what, String detail) {
    }

    /** An order a search found. */
    public record Found(String orderId, String customerId, String tokenName, String status) {
    }

    private final JdbcTemplate jdbc;
    private final AttemptQueries ledger;
    private final LedgerFindings findings;

    public OrderHistory(JdbcTemplate jdbc, AttemptQueries ledger, LedgerFindings findings) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.findings = findings;
    }

    public Optional<Order> order(String orderId) {
        return jdbc.query("""
                SELECT o.order_id, o.customer_id, o.token_name, o.amount_minor, o.currency, o.status, o.charge_on, o.attempt_count,
                       o.next_attempt_on, o.failure_reason, t.status
                FROM orders o LEFT JOIN tokens t ON t.token_name = o.token_name WHERE o.order_id = ?""",
                (rs, n) -> new Order(rs.getString(1), rs.getString(2), rs.getString(3),
                        Money.ofMinor(rs.getLong(4), CurrencyUnit.require(rs.getString(5))).toPlainString(), rs.getString(5), rs.getString(6),
                        text(rs.getDate(7)), rs.getInt(8), text(rs.getDate(9)), rs.getString(10), rs.getString(11)), orderId)
                .stream().findFirst();
    }

    public List<Attempt> attempts(String orderId) {
        return ledger.ofOrder(orderId).stream().map(a -> new Attempt(a.reference(), a.kind().name(), a.attempt(), text(a.businessDate()),
                Money.ofMinor(a.amountMinor(), CurrencyUnit.require(a.currency())).toPlainString() + " " + a.currency(),
                a.state().name(), a.responseCode(), a.responseMessage(), a.fortId(), text(timestamp(a.sentAt())), text(timestamp(a.resolvedAt())),
                a.detail(), a.initiatedBy() == null ? "the night" : "manual: " + a.initiatedBy(),
                (GatewayProperties.SIMULATOR.equals(a.gateway()) ? "SIMULATED (no money moved)" : a.gateway())
                        + (GatewayAccounts.DEFAULT.equals(a.account()) ? "" : ", account " + a.account()))).toList();
    }

    /** The order's other history lines, oldest first; {@code attempts} are its ledger rows, as {@link #attempts} gave them. */
    public List<Event> events(String orderId, List<Attempt> attempts) {
        record At(Instant at, Event event) {
        }
        List<At> events = new ArrayList<>(jdbc.query("""
                SELECT h.held_at AS at, 'held on ' || h.business_date AS what, h.reason AS detail FROM charge_holds h WHERE h.order_id = ?
                UNION ALL
                SELECT n.received_at, 'notification ' || n.outcome, coalesce(n.command, '') || ' ' || coalesce(n.response_code, '')
                       || ' for ' || coalesce(n.merchant_reference, '')
                FROM aps_notifications n WHERE n.attempt_reference = ANY (?)
                UNION ALL
                SELECT m.moved_at, 'card replaced by the customer', 'moved from token ' || m.from_token || ' to ' || m.to_token
                       || ' (card-update link, enrolment ' || m.enrolment_reference || ')'
                FROM order_token_moves m WHERE m.order_id = ?
                UNION ALL
                SELECT coalesce(c.sent_at, c.created_at), 'notice ' || lower(c.kind) || ': ' || c.status, coalesce(c.detail, '')
                FROM notices c WHERE c.order_id = ?""",
                (rs, n) -> new At(rs.getTimestamp(1).toInstant(), new Event(text(rs.getTimestamp(1)), rs.getString(2), rs.getString(3))),
                orderId, attempts.stream().map(Attempt::reference).toArray(String[]::new), orderId, orderId));
        for (LedgerFindings.Recorded e : findings.recordedFor(orderId)) {
            events.add(new At(e.createdAt(), new Event(text(timestamp(e.createdAt())), "exception " + e.type(), e.detail())));
        }
        events.sort(Comparator.comparing(At::at));
        return events.stream().map(At::event).toList();
    }

    /** True when the order is due and was held on some night (a "charge again now" candidate). */
    public boolean held(String orderId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM charge_holds h JOIN orders o ON o.order_id = h.order_id
                               WHERE h.order_id = ? AND o.status IN ('SHIPPED', 'DEFERRED'))""", Boolean.class, orderId));
    }

    /**
     * The orders a search term names: an order id, a customer id, a token name, a merchant reference or a fort_id. At
     * most 50, newest first.
     */
    public List<Found> search(String term) {
        // each way of naming an order is an index lookup of its own (an OR across them would read every order), each
        // bounded to its newest 50, gathered first: left to join them with the newest orders, the planner read the orders
        // newest first until it met the named ones (778 ms at p95 for an order id over 3,000,000 orders)
        return JdbcClient.create(jdbc).sql("""
                WITH found AS MATERIALIZED (
                    SELECT id FROM orders WHERE order_id = :term
                    UNION (SELECT id FROM orders WHERE customer_id = :term ORDER BY id DESC LIMIT 50)
                    UNION (SELECT id FROM orders WHERE token_name = :term ORDER BY id DESC LIMIT 50)
                    UNION SELECT id FROM orders WHERE order_id = ANY (:named))
                SELECT o.order_id, o.customer_id, o.token_name, o.status FROM found f JOIN orders o ON o.id = f.id
                ORDER BY o.id DESC LIMIT 50""")
                .param("term", term).param("named", ledger.ordersNamedBy(term).toArray(String[]::new))
                .query(Found.class).list();
    }

    private static Timestamp timestamp(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
