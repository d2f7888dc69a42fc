package dev.billing.console;

import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
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

    private final JdbcTemplate jdbc;

    public OrderHistory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
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
        return jdbc.query("""
                SELECT attempt_reference, kind, attempt, business_date, amount_minor, currency, state, response_code, response_message,
                       fort_id, sent_at, resolved_at, detail, initiated_by, gateway
                FROM payment_attempts WHERE order_id = ? ORDER BY id""",
                (rs, n) -> new Attempt(rs.getString(1), rs.getString(2), rs.getInt(3), text(rs.getDate(4)),
                        Money.ofMinor(rs.getLong(5), CurrencyUnit.require(rs.getString(6))).toPlainString() + " " + rs.getString(6),
                        rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), text(rs.getTimestamp(11)),
                        text(rs.getTimestamp(12)), rs.getString(13),
                        rs.getString(14) == null ? "the night" : "manual: " + rs.getString(14),
                        "simulator".equals(rs.getString(15)) ? "SIMULATED (no money moved)" : rs.getString(15)), orderId);
    }

    public List<Event> events(String orderId) {
        return jdbc.query("""
                SELECT at, what, detail FROM (
                    SELECT h.held_at AS at, 'held on ' || h.business_date AS what, h.reason AS detail FROM charge_holds h WHERE h.order_id = ?
                    UNION ALL
                    SELECT n.received_at, 'notification ' || n.outcome, coalesce(n.command, '') || ' ' || coalesce(n.response_code, '')
                           || ' for ' || coalesce(n.merchant_reference, '')
                    FROM aps_notifications n WHERE n.attempt_reference IN (SELECT attempt_reference FROM payment_attempts WHERE order_id = ?)
                    UNION ALL
                    SELECT e.created_at, 'exception ' || e.type, e.detail FROM ledger_exceptions e WHERE e.order_id = ?
                ) x ORDER BY at""",
                (rs, n) -> new Event(text(rs.getTimestamp(1)), rs.getString(2), rs.getString(3)), orderId, orderId, orderId);
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
    public List<Map<String, Object>> search(String term) {
        // each way of naming an order is an index lookup of its own: an OR across them would read every order
        return jdbc.queryForList("""
                SELECT o.id, o.order_id, o.customer_id, o.token_name, o.status FROM orders o
                WHERE o.id IN (SELECT id FROM orders WHERE order_id = ?
                               UNION SELECT id FROM orders WHERE customer_id = ?
                               UNION SELECT id FROM orders WHERE token_name = ?
                               UNION SELECT o2.id FROM payment_attempts a JOIN orders o2 ON o2.order_id = a.order_id
                                     WHERE a.attempt_reference = ?
                               UNION SELECT o2.id FROM payment_attempts a JOIN orders o2 ON o2.order_id = a.order_id
                                     WHERE a.merchant_reference = ?
                               UNION SELECT o2.id FROM payment_attempts a JOIN orders o2 ON o2.order_id = a.order_id
                                     WHERE a.fort_id = ?)
                ORDER BY o.id DESC LIMIT 50""", term, term, term, term, term, term);
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
