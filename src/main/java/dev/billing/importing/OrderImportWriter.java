package dev.billing.importing;

import dev.billing.database.CopyIn;
import dev.billing.ledger.AttemptState;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.nio.file.Path;
import java.sql.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inserts new orders and updates unpaid ones. The rows of the chunk's orders are locked while it is decided
 * what may change, so a concurrent charge cannot slip in between.
 *
 * <ul>
 *   <li>an unknown token is a rejected row;</li>
 *   <li>a PAID order keeps its state; changing its amount, currency or token is a rejected row;</li>
 *   <li>an order with a charge in flight (not yet resolved with the gateway) cannot change at all;</li>
 *   <li>a PAYMENT_FAILED order whose amount, currency or token changes is opened again with the file's status
 *       and a fresh retry count; one whose row is the same stays failed.</li>
 * </ul>
 */
class OrderImportWriter extends ImportWriter<OrderRecord> {

    OrderImportWriter(JdbcTemplate jdbc, Path file) {
        super(jdbc, ImportFileKind.ORDERS, file);
    }

    private record Stored(OrderRecord order, boolean chargeInFlight) {
    }

    @Override
    protected String key(OrderRecord value) {
        return value.orderId();
    }

    @Override
    protected Outcome apply(List<ImportRow<OrderRecord>> accepted, List<ImportRow<OrderRecord>> rejected, FileKeys keys) {
        Outcome outcome = new Outcome();
        if (accepted.isEmpty()) {
            return outcome;
        }
        Set<String> knownTokens = knownTokens(accepted);
        Map<String, Stored> current = existing(accepted);
        Map<String, OrderRecord> toWrite = new LinkedHashMap<>();
        for (ImportRow<OrderRecord> row : accepted) {
            OrderRecord incoming = row.value();
            if (!knownTokens.contains(incoming.tokenName())) {
                rejected.add(row.reject("token_name '" + incoming.tokenName() + "' is not a known token; import it with --tokens first"));
                continue;
            }
            Stored before = current.get(incoming.orderId());
            String refusal = before == null ? null : refusal(before, incoming);
            if (refusal == null) {
                refusal = keys.claim(row);
            }
            if (refusal != null) {
                rejected.add(row.reject(refusal));
                continue;
            }
            if (before == null) {
                outcome.inserted++;
            } else if (unchanged(before.order(), incoming)) {
                outcome.unchanged++;
                continue;
            } else {
                outcome.updated++;
            }
            current.put(incoming.orderId(), new Stored(incoming, false));
            toWrite.put(incoming.orderId(), incoming);
        }
        upsert(List.copyOf(toWrite.values()));
        return outcome;
    }

    private static String refusal(Stored before, OrderRecord incoming) {
        OrderRecord stored = before.order();
        if (stored.status().equals("PAID") && !sameCharge(stored, incoming)) {
            return "order " + incoming.orderId() + " was already charged (" + stored.amount() + " on token "
                    + stored.tokenName() + "); its amount, currency and token cannot change";
        }
        if (stored.status().equals("PAID") && (incoming.status().equals("CANCELLED") || incoming.status().equals("PENDING"))) {
            return "order " + incoming.orderId() + " was already charged (" + stored.amount() + "); it cannot become "
                    + incoming.status() + ": a paid order is refunded, not cancelled";
        }
        if (before.chargeInFlight() && !unchanged(stored, incoming)) {
            return "order " + incoming.orderId() + " has a charge in flight (prepared or sent, not settled with the gateway"
                    + " yet); import this row again after the charge-orders run";
        }
        return null;
    }

    /** A PAID or PAYMENT_FAILED order is unchanged unless what would be charged changes. */
    private static boolean unchanged(OrderRecord stored, OrderRecord incoming) {
        if (stored.status().equals("PAID") || stored.status().equals("PAYMENT_FAILED")) {
            return sameCharge(stored, incoming);
        }
        return stored.equals(incoming);
    }

    private static boolean sameCharge(OrderRecord a, OrderRecord b) {
        return a.amount().equals(b.amount()) && a.tokenName().equals(b.tokenName());
    }

    private Set<String> knownTokens(List<ImportRow<OrderRecord>> rows) {
        String[] names = rows.stream().map(r -> r.value().tokenName()).distinct().toArray(String[]::new);
        return new HashSet<>(jdbc.queryForList("SELECT token_name FROM tokens WHERE token_name = ANY (?)", String.class, (Object) names));
    }

    /**
     * The stored orders of the chunk, locked for the rest of the chunk's transaction. The lock is the one charging
     * takes when it writes an attempt row ({@code FOR NO KEY UPDATE}, in id order on both sides so that neither waits
     * for the other in a cycle). Whether a charge is in flight is read by a second statement, after the lock is held:
     * under READ COMMITTED it sees a row committed by the charge that held the lock before us, which the locking
     * statement's own snapshot would not.
     */
    private Map<String, Stored> existing(List<ImportRow<OrderRecord>> rows) {
        String[] ids = rows.stream().map(r -> r.value().orderId()).distinct().toArray(String[]::new);
        jdbc.queryForList("SELECT id FROM orders WHERE order_id = ANY (?) ORDER BY id FOR NO KEY UPDATE", Long.class, (Object) ids);
        Map<String, Stored> found = new HashMap<>();
        jdbc.query("""
                SELECT o.order_id, o.customer_id, o.token_name, o.amount_minor, o.currency, o.status, o.charge_on,
                       EXISTS (SELECT 1 FROM payment_attempts a WHERE a.order_id = o.order_id AND a.kind = 'CHARGE'
                               AND a.state IN\s""" + AttemptState.OPEN_SQL + """
                ) AS in_flight
                FROM orders o WHERE o.order_id = ANY (?)""",
                rs -> {
                    Date chargeOn = rs.getDate(7);
                    OrderRecord order = new OrderRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                            Money.ofMinor(rs.getLong(4), CurrencyUnit.require(rs.getString(5))), rs.getString(6),
                            chargeOn == null ? null : chargeOn.toLocalDate());
                    found.put(order.orderId(), new Stored(order, rs.getBoolean(8)));
                }, (Object) ids);
        return found;
    }

    /** The chunk's rows go to a staging table by COPY, then into {@code orders} by one set-based upsert. */
    private void upsert(List<OrderRecord> orders) {
        if (orders.isEmpty()) {
            return;
        }
        CopyIn.stage(jdbc, "import_orders_stage", """
                line BIGSERIAL, order_id TEXT, customer_id TEXT, token_name TEXT, amount_minor BIGINT, currency TEXT, status TEXT,
                charge_on DATE""", "order_id, customer_id, token_name, amount_minor, currency, status, charge_on", orders,
                o -> new Object[] {o.orderId(), o.customerId(), o.tokenName(), o.amount().minorUnits(), o.amount().currency().code(),
                    o.status(), o.chargeOn()});
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status, charge_on)
                SELECT order_id, customer_id, token_name, amount_minor, currency, status, charge_on FROM import_orders_stage ORDER BY line
                ON CONFLICT (order_id) DO UPDATE SET
                    customer_id = excluded.customer_id, token_name = excluded.token_name,
                    amount_minor = excluded.amount_minor, currency = excluded.currency,
                    status = excluded.status, charge_on = excluded.charge_on,
                    attempt_count = CASE WHEN orders.status = 'PAYMENT_FAILED' THEN 0 ELSE orders.attempt_count END,
                    soft_declines = CASE WHEN orders.status = 'PAYMENT_FAILED' THEN 0 ELSE orders.soft_declines END,
                    next_attempt_on = CASE WHEN orders.status = 'PAYMENT_FAILED' THEN NULL ELSE orders.next_attempt_on END,
                    failure_reason = CASE WHEN orders.status = 'PAYMENT_FAILED' THEN NULL ELSE orders.failure_reason END,
                    updated_at = now()
                WHERE orders.status <> 'PAID'""");
    }
}
