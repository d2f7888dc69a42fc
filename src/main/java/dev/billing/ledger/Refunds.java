package dev.billing.ledger;

import dev.billing.events.EventType;
import dev.billing.events.Outbox;
import dev.billing.gateway.GatewayReply;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
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
                         String open, int next, String account) {

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
    public record Open(String reference, String orderId, String chargeReference, Money amount, long succeededBefore, String account) {
    }

    private final JdbcClient sql;
    private final Attempts attempts;
    private final Outbox outbox;

    public Refunds(JdbcTemplate jdbc, Attempts attempts, Outbox outbox) {
        this.outbox = outbox;
        this.sql = JdbcClient.create(jdbc);
        this.attempts = attempts;
    }

    /** Orders as refunds find them, their rows locked: each one's status, and its successful charge if it has one. */
    public record Found(Map<String, OrderStatus> statuses, Map<String, Charge> charges) {
    }

    /** A refund to prepare: of {@code amount} of the charge, which {@code user} asked for. */
    public record Planned(Charge charge, Money amount, String user) {
    }

    /** What the gateway said of the refund {@code reference}. */
    public record Answer(String reference, GatewayReply reply) {
    }

    /**
     * The order's successful charge with what its refunds hold, the order's row locked (so that two people refunding
     * one order are served one after the other); empty when there is no such order or it has no successful charge.
     */
    public Optional<Charge> chargeOf(String orderId) {
        return Optional.ofNullable(lock(List.of(orderId)).charges().get(orderId));
    }

    /**
     * The orders' statuses and successful charges (with what their refunds hold), their rows locked in one order (so
     * that refunds of one order are served one after the other, and two pages never wait for each other in a circle).
     * Orders that do not exist are absent.
     */
    public Found lock(Collection<String> orderIds) {
        String[] ids = orderIds.stream().distinct().sorted().toArray(String[]::new);
        Map<String, OrderStatus> statuses = new HashMap<>();
        sql.sql("SELECT order_id, status FROM orders WHERE order_id = ANY (:ids) ORDER BY order_id FOR NO KEY UPDATE")
                .param("ids", ids).query((RowCallbackHandler) rs -> statuses.put(rs.getString(1), OrderStatus.of(rs.getString(2))));
        Map<String, Charge> charges = new HashMap<>();
        if (statuses.isEmpty()) {
            return new Found(statuses, charges);
        }
        // a charge's refunds are read by its reference (LATERAL): joined by it, the planner may scan them all per order
        sql.sql("""
                SELECT a.order_id, a.token_name, a.attempt_reference, a.amount_minor, a.currency, x.refunded, x.succeeded, x.open, x.next,
                       a.account
                FROM payment_attempts a
                CROSS JOIN LATERAL (
                    SELECT COALESCE(sum(r.amount_minor) FILTER (WHERE r.state IN ('PREPARED', 'UNKNOWN', 'SUCCEEDED')), 0) AS refunded,
                           COALESCE(sum(r.amount_minor) FILTER (WHERE r.state = 'SUCCEEDED'), 0) AS succeeded,
                           max(r.attempt_reference) FILTER (WHERE r.state IN ('PREPARED', 'UNKNOWN')) AS open,
                           COALESCE(max(r.attempt), 0) + 1 AS next
                    FROM payment_attempts r WHERE r.merchant_reference = a.attempt_reference AND r.kind = 'REFUND') x
                WHERE a.order_id = ANY (:ids) AND a.kind = 'CHARGE' AND a.state = 'SUCCEEDED'""")
                .param("ids", statuses.keySet().toArray(String[]::new))
                .query((RowCallbackHandler) rs -> charges.put(rs.getString(1), new Charge(rs.getString(1), rs.getString(2), rs.getString(3),
                        Money.ofMinor(rs.getLong(4), CurrencyUnit.require(rs.getString(5))), rs.getLong(6), rs.getLong(7),
                        rs.getString(8), rs.getInt(9), rs.getString(10))));
        return new Found(statuses, charges);
    }

    /**
     * Prepares each charge's next refund, in one statement, on {@code date}; returns the references written: one not
     * written had another refund of its charge prepared meanwhile (one is in flight at a time). The caller has checked
     * each amount against {@link Charge#left()}; the database checks it again, and refuses the statement if one is more.
     */
    public Set<String> prepare(List<Planned> planned, LocalDate date) {
        return attempts.prepare(planned.stream().map(p -> new Attempts.New(p.charge().nextReference(), p.charge().chargeReference(),
                AttemptKind.REFUND, p.charge().orderId(), p.charge().tokenName(), p.charge().next(), p.amount(), date, null, p.user())).toList());
    }

    /**
     * Settles the refund {@code reference} with what the gateway said; when this moved it to SUCCEEDED, the order
     * becomes PARTIALLY_REFUNDED, or REFUNDED when its refunds now give back the whole charge. Returns the row's state.
     */
    public AttemptState settle(String reference, GatewayReply reply) {
        return settle(List.of(new Answer(reference, reply))).get(0);
    }

    /**
     * Settles the refunds with what the gateway said (an answer that is not final changes nothing); each one this moved
     * to SUCCEEDED moves its order to PARTIALLY_REFUNDED, or REFUNDED when its refunds now give back the whole charge.
     * Returns each refund's state after it, in the answers' order. A few statements, whatever the count.
     */
    public List<AttemptState> settle(List<Answer> answers) {
        List<Attempts.Outcome> outcomes = answers.stream().filter(a -> a.reply().outcome().isFinal())
                .map(a -> new Attempts.Outcome(a.reply(), AttemptState.after(a.reply().outcome()), a.reference())).toList();
        boolean[] moved = attempts.settle(outcomes);
        Map<String, AttemptState> states = new HashMap<>();
        List<String> refunded = new ArrayList<>();
        for (int i = 0; i < moved.length; i++) {
            if (moved[i]) {
                states.put(outcomes.get(i).attemptReference(), outcomes.get(i).state());
                if (outcomes.get(i).state() == AttemptState.SUCCEEDED) {
                    refunded.add(outcomes.get(i).attemptReference());
                }
            }
        }
        if (!refunded.isEmpty()) {
            // every row by its own key (attempt_reference): no partial index of a kind is scanned to find one
            sql.sql("""
                    UPDATE orders o SET updated_at = now(), status = CASE WHEN s.refunded >= s.captured THEN 'REFUNDED'
                        ELSE 'PARTIALLY_REFUNDED' END
                    FROM (SELECT r.order_id, c.amount_minor AS captured,
                                 (SELECT sum(x.amount_minor) FROM payment_attempts x WHERE x.merchant_reference = r.merchant_reference
                                  AND x.kind = 'REFUND' AND x.state = 'SUCCEEDED') AS refunded
                          FROM payment_attempts r JOIN payment_attempts c ON c.attempt_reference = r.merchant_reference
                          WHERE r.attempt_reference = ANY (:refunds)) s
                    WHERE o.order_id = s.order_id""").param("refunds", refunded.toArray(String[]::new)).update();
        }
        if (!states.isEmpty()) {
            outbox.append(events(states));
        }
        List<String> unmoved = answers.stream().map(Answer::reference).filter(r -> !states.containsKey(r)).toList();
        states.putAll(statesOf(unmoved));
        return answers.stream().map(a -> {
            AttemptState state = states.get(a.reference());
            if (state == null) {
                throw new IllegalStateException("there is no refund " + a.reference());
            }
            return state;
        }).toList();
    }

    /** The state of the refund {@code reference}, if there is one. */
    public Optional<AttemptState> stateOf(String reference) {
        return Optional.ofNullable(statesOf(List.of(reference)).get(reference));
    }

    /** What the outside world hears of refunds this settlement moved: refund.succeeded or refund.failed, each once. */
    private List<Outbox.Event> events(Map<String, AttemptState> moved) {
        return sql.sql("""
                SELECT attempt_reference, order_id, merchant_reference, amount_minor, currency, response_code, business_date
                FROM payment_attempts WHERE attempt_reference = ANY (:references)""")
                .param("references", moved.keySet().toArray(String[]::new))
                .query((rs, n) -> {
                    Map<String, Object> data = new java.util.LinkedHashMap<>();
                    data.put("order_id", rs.getString(2));
                    data.put("refund_reference", rs.getString(1));
                    data.put("charge_reference", rs.getString(3));
                    data.put("amount_minor", rs.getLong(4));
                    data.put("currency", rs.getString(5));
                    data.put("business_date", rs.getDate(7).toLocalDate().toString());
                    data.put("response_code", rs.getString(6));
                    return new Outbox.Event(moved.get(rs.getString(1)) == AttemptState.SUCCEEDED ? EventType.REFUND_SUCCEEDED
                            : EventType.REFUND_FAILED, data);
                }).list();
    }

    /** The states of those of the refunds {@code references} there are, by reference. */
    public Map<String, AttemptState> statesOf(Collection<String> references) {
        Map<String, AttemptState> states = new HashMap<>();
        if (!references.isEmpty()) {
            // by the references alone (their unique index): with "AND kind = 'REFUND'" the planner may take the partial index
            // of refunds and read every refund to find a few
            sql.sql("SELECT attempt_reference, state, kind FROM payment_attempts WHERE attempt_reference = ANY (:references)")
                    .param("references", references.toArray(String[]::new)).query((RowCallbackHandler) rs -> {
                        if (AttemptKind.REFUND.name().equals(rs.getString(3))) {
                            states.put(rs.getString(1), AttemptState.of(rs.getString(2)));
                        }
                    });
        }
        return states;
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
                                 AND x.kind = 'REFUND' AND x.state = 'SUCCEEDED'), 0), r.account
                FROM payment_attempts r WHERE r.kind = 'REFUND' AND r.state IN\s""" + AttemptState.OPEN_SQL + " ORDER BY r.id")
                .query((rs, n) -> new Open(rs.getString(1), rs.getString(2), rs.getString(3),
                        Money.ofMinor(rs.getLong(4), CurrencyUnit.require(rs.getString(5))), rs.getLong(6), rs.getString(7)))
                .list();
    }
}
