package dev.billing.ledger;

import dev.billing.gateway.GatewayReply;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The ledger's side of refunds of customers' charges: what an order's successful charge has left to refund, the
 * refund's row prepared before its call ({@code RF-<order_id>-<n>}, carrying the charge's merchant reference), and
 * its settlement, which moves the order to {@code PARTIALLY_REFUNDED} or {@code REFUNDED} once. The database itself
 * refuses a refund beyond what was captured, in another currency, or of no successful charge (V21's trigger), and a
 * second refund of one charge in flight. In the caller's transaction, always.
 */
@Component
public class Refunds {

    /** The reference prefix of a refund: {@code RF-<order_id>-<n>}. */
    public static final String PREFIX = "RF-";

    /**
     * An order's successful charge, as a refund finds it.
     *
     * @param refunded  what refunds succeeded or in flight hold of it (what is left is {@code captured - refunded})
     * @param succeeded what refunds that succeeded gave back
     * @param open      the reference of the refund in flight, if any
     * @param next      the number of the order's next refund
     */
    public record Charge(String orderId, String tokenName, String chargeReference, Money captured, long refunded, long succeeded,
                         String open, int next) {

        /** What may still be refunded. */
        public Money left() {
            return Money.ofMinor(captured.minorUnits() - refunded, captured.currency());
        }

        /** The reference the order's next refund takes. */
        public String nextReference() {
            return PREFIX + orderId + "-" + next;
        }
    }

    /** A refund whose outcome only the gateway can tell: prepared, or sent and not answered. */
    public record Open(String reference, String orderId, String chargeReference, Money amount, long succeededBefore) {
    }

    private final JdbcClient sql;
    private final Attempts attempts;

    public Refunds(JdbcTemplate jdbc, Attempts attempts) {
        this.sql = JdbcClient.create(jdbc);
        this.attempts = attempts;
    }

    /**
     * The order's successful charge with what its refunds hold, the order's row locked (so that two people refunding
     * one order are served one after the other); empty when there is no such order or it has no successful charge.
     */
    public Optional<Charge> chargeOf(String orderId) {
        if (sql.sql("SELECT 1 FROM orders WHERE order_id = :order FOR NO KEY UPDATE").param("order", orderId).query().listOfRows().isEmpty()) {
            return Optional.empty();
        }
        // the charge's refunds are read by its reference (LATERAL): joined by it, the planner may scan them all per order
        List<Charge> found = sql.sql("""
                SELECT o.order_id, a.token_name, a.attempt_reference, a.amount_minor, a.currency, x.refunded, x.succeeded, x.open, x.next
                FROM orders o
                JOIN payment_attempts a ON a.order_id = o.order_id AND a.kind = 'CHARGE' AND a.state = 'SUCCEEDED'
                CROSS JOIN LATERAL (
                    SELECT COALESCE(sum(r.amount_minor) FILTER (WHERE r.state IN ('PREPARED', 'UNKNOWN', 'SUCCEEDED')), 0) AS refunded,
                           COALESCE(sum(r.amount_minor) FILTER (WHERE r.state = 'SUCCEEDED'), 0) AS succeeded,
                           max(r.attempt_reference) FILTER (WHERE r.state IN ('PREPARED', 'UNKNOWN')) AS open,
                           COALESCE(max(r.attempt), 0) + 1 AS next
                    FROM payment_attempts r WHERE r.merchant_reference = a.attempt_reference AND r.kind = 'REFUND') x
                WHERE o.order_id = :order""")
                .param("order", orderId)
                .query((rs, n) -> new Charge(rs.getString(1), rs.getString(2), rs.getString(3),
                        Money.ofMinor(rs.getLong(4), CurrencyUnit.require(rs.getString(5))), rs.getLong(6), rs.getLong(7),
                        rs.getString(8), rs.getInt(9)))
                .list();
        return found.stream().findFirst();
    }

    /** The order's status, or empty when there is no such order. */
    public Optional<OrderStatus> statusOf(String orderId) {
        return sql.sql("SELECT status FROM orders WHERE order_id = :order").param("order", orderId)
                .query((rs, n) -> OrderStatus.of(rs.getString(1))).optional();
    }

    /**
     * Prepares the charge's next refund of {@code amount}, which a person ({@code user}) asked for on {@code date};
     * returns its reference, or empty when another refund of the charge was prepared meanwhile (one is in flight at a
     * time). The caller has checked the amount against {@link Charge#left()}; the database checks it again.
     */
    public Optional<String> prepare(Charge charge, Money amount, LocalDate date, String user) {
        String reference = charge.nextReference();
        return attempts.prepare(List.of(new Attempts.New(reference, charge.chargeReference(), AttemptKind.REFUND, charge.orderId(),
                charge.tokenName(), charge.next(), amount, date, null, user))).stream().findFirst();
    }

    /**
     * Settles the refund {@code reference} with what the gateway said; when this moved it to SUCCEEDED, the order
     * becomes PARTIALLY_REFUNDED, or REFUNDED when its refunds now give back the whole charge. Returns the row's state.
     */
    public AttemptState settle(String reference, GatewayReply reply) {
        AttemptState state = AttemptState.after(reply.outcome());
        boolean moved = attempts.settle(List.of(new Attempts.Outcome(reply, state, reference)))[0];
        if (moved && state == AttemptState.SUCCEEDED) {
            // every row by its own key (attempt_reference, order_id): no partial index of a kind is scanned to find one
            Map<String, Object> refund = sql.sql("SELECT merchant_reference, order_id FROM payment_attempts WHERE attempt_reference = :reference")
                    .param("reference", reference).query().singleRow();
            sql.sql("""
                    UPDATE orders SET updated_at = now(), status = CASE
                        WHEN (SELECT sum(x.amount_minor) FROM payment_attempts x WHERE x.merchant_reference = :charge AND x.kind = 'REFUND'
                              AND x.state = 'SUCCEEDED') >= (SELECT c.amount_minor FROM payment_attempts c WHERE c.attempt_reference = :charge)
                        THEN 'REFUNDED' ELSE 'PARTIALLY_REFUNDED' END
                    WHERE order_id = :order""")
                    .param("charge", refund.get("merchant_reference")).param("order", refund.get("order_id")).update();
        }
        return moved ? state : stateOf(reference).orElseThrow();
    }

    /** The state of the refund {@code reference}, if there is one. */
    public Optional<AttemptState> stateOf(String reference) {
        // by the reference alone (its unique index): with "AND kind = 'REFUND'" the planner may take the partial index of
        // refunds and read every refund to find one
        return sql.sql("SELECT state, kind FROM payment_attempts WHERE attempt_reference = :reference")
                .param("reference", reference).query((rs, n) -> AttemptKind.REFUND.name().equals(rs.getString(2))
                        ? AttemptState.of(rs.getString(1)) : null).optional();
    }

    /** What the refund {@code reference} last heard from the gateway, in one line. */
    public String lastWord(String reference) {
        return sql.sql("""
                SELECT COALESCE(response_code || ' ' || response_message, detail, 'no answer yet')
                FROM payment_attempts WHERE attempt_reference = :reference""")
                .param("reference", reference).query(String.class).optional().orElse("no such refund");
    }

    /** Every refund whose outcome is not known, oldest first (there are few: one per charge at most). */
    public List<Open> open() {
        return sql.sql("""
                SELECT r.attempt_reference, r.order_id, r.merchant_reference, r.amount_minor, r.currency,
                       COALESCE((SELECT sum(x.amount_minor) FROM payment_attempts x WHERE x.merchant_reference = r.merchant_reference
                                 AND x.kind = 'REFUND' AND x.state = 'SUCCEEDED'), 0)
                FROM payment_attempts r WHERE r.kind = 'REFUND' AND r.state IN\s""" + AttemptState.OPEN_SQL + " ORDER BY r.id")
                .query((rs, n) -> new Open(rs.getString(1), rs.getString(2), rs.getString(3),
                        Money.ofMinor(rs.getLong(4), CurrencyUnit.require(rs.getString(5))), rs.getLong(6)))
                .list();
    }
}
