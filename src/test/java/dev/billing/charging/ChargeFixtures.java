package dev.billing.charging;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Tokens, orders and questions about the simulator's records, for charging tests. The tests that use it inject
 * the (lazy) {@code ApsClient}, which starts the in-process simulator and so creates its schema.
 */
final class ChargeFixtures {

    private final JdbcTemplate jdbc;

    ChargeFixtures(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void reset() {
        dev.billing.TestDatabase.reset(jdbc);
        jdbc.execute("TRUNCATE aps_simulator.orders, aps_simulator.maintenance");
    }

    void token(String name, String status) {
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status)
                VALUES (?, 'C-' || ?, 'c@example.com', '400555******0001', '05/29', now(), ?)""", name, name, status);
    }

    void order(String id, String token, long minor, String currency, String status, LocalDate chargeOn) {
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status, charge_on)
                VALUES (?, 'C', ?, ?, ?, ?, ?)""", id, token, minor, currency, status, chargeOn == null ? null : java.sql.Date.valueOf(chargeOn));
    }

    /** Many SHIPPED orders on a few good tokens, in three currencies. */
    void manyOrders(int count, int tokens) {
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status)
                SELECT 'good-' || i, 'C' || i, 'c' || i || '@example.com', '400555******0001', '05/29', now(), 'VERIFIED'
                FROM generate_series(1, ?) AS i""", tokens);
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                SELECT 'M-' || i, 'C', 'good-' || (i % ? + 1), 100 + (i * 37) % 9000, (ARRAY['AED', 'KWD', 'JPY'])[i % 3 + 1], 'SHIPPED'
                FROM generate_series(1, ?) AS i""", tokens, count);
    }

    String orderStatus(String id) {
        return jdbc.queryForObject("SELECT status FROM orders WHERE order_id = ?", String.class, id);
    }

    /** Successful charges the simulator holds per order id (its merchant references are CH-<order>-<n>). */
    Map<String, Long> gatewaySuccessesPerOrder() {
        Map<String, Long> result = new java.util.HashMap<>();
        jdbc.query("""
                SELECT substring(merchant_reference FROM '^CH-(.*)-[0-9]+$'), count(*) FROM aps_simulator.orders
                WHERE command = 'PURCHASE' AND captured_amount > 0 GROUP BY 1""",
                rs -> {
                    result.put(rs.getString(1), rs.getLong(2));
                });
        return result;
    }

    long gatewayRequestsFor(String orderId) {
        return jdbc.queryForObject("SELECT count(*) FROM aps_simulator.orders WHERE merchant_reference LIKE ?", Long.class,
                "CH-" + orderId + "-%");
    }

    /** Per currency, the sum the simulator captured, and the sum of SUCCEEDED charges in the ledger. */
    List<String> totalsMismatch() {
        return jdbc.queryForList("""
                WITH gw AS (SELECT currency, sum(captured_amount) AS total FROM aps_simulator.orders
                            WHERE merchant_reference LIKE 'CH-%' GROUP BY currency),
                     ledger AS (SELECT currency, sum(amount_minor) AS total FROM payment_attempts
                                WHERE kind = 'CHARGE' AND state = 'SUCCEEDED' GROUP BY currency)
                SELECT coalesce(gw.currency, ledger.currency) || ': gateway ' || coalesce(gw.total, 0) || ', ledger ' || coalesce(ledger.total, 0)
                FROM gw FULL JOIN ledger ON gw.currency = ledger.currency
                WHERE coalesce(gw.total, 0) <> coalesce(ledger.total, 0)""", String.class);
    }

    long unresolved() {
        return jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE state IN ('PREPARED', 'UNKNOWN')", Long.class);
    }
}
