package dev.billing.enrolment;

import dev.billing.ledger.AttemptQueries;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A card enrolled through a card-update link replaces the token the link names: the old token's open orders (pending,
 * shipped, deferred; none with a charge whose outcome is not known) move to the new token, which carries its own
 * agreement, and are due again at the next night (their attempts so far, and so the retries left, are kept); each move
 * is written to the order's history; the old token is marked DELETED, so that {@code deactivate-tokens} deactivates it
 * at the gateway once. In the caller's transaction: the new token, the moves and the old token's end commit together.
 */
@Component
public class CardReplacements {

    private static final Logger log = LoggerFactory.getLogger(CardReplacements.class);

    private final JdbcTemplate jdbc;
    private final AttemptQueries attempts;

    public CardReplacements(JdbcTemplate jdbc, AttemptQueries attempts) {
        this.jdbc = jdbc;
        this.attempts = attempts;
    }

    /** Moves {@code oldToken}'s open orders to {@code newToken}; returns the orders moved (none when the old token is not the customer's). */
    public List<String> replace(String customerId, String oldToken, String newToken, String enrolmentReference) {
        List<String> owner = jdbc.queryForList("SELECT customer_id FROM tokens WHERE token_name = ? FOR UPDATE", String.class, oldToken);
        if (owner.isEmpty() || !owner.get(0).equals(customerId) || oldToken.equals(newToken)) {
            log.warn("Enrolment {}: the card-update link names token {}, which is not another card of customer {}; no order moved",
                    enrolmentReference, oldToken, customerId);
            return List.of();
        }
        // the open orders, locked (a charge being prepared for one waits, or went first and is seen in flight below)
        List<String> open = jdbc.queryForList("""
                SELECT order_id FROM orders WHERE token_name = ? AND customer_id = ? AND status IN ('PENDING', 'SHIPPED', 'DEFERRED')
                ORDER BY order_id FOR UPDATE""", String.class, oldToken, customerId);
        Set<String> inFlight = attempts.chargesInFlight(open);
        List<String> moved = open.stream().filter(o -> !inFlight.contains(o)).toList();
        if (!inFlight.isEmpty()) {
            log.warn("Enrolment {}: order(s) {} have a charge not settled yet on token {}; they stay on it", enrolmentReference, inFlight,
                    oldToken);
        }
        jdbc.update("UPDATE orders SET token_name = ?, next_attempt_on = NULL, updated_at = now() WHERE order_id = ANY (?)",
                newToken, moved.toArray(String[]::new));
        if (!moved.isEmpty()) {
            jdbc.update("""
                    INSERT INTO order_token_moves (order_id, from_token, to_token, enrolment_reference)
                    SELECT m, ?, ?, ? FROM unnest(CAST(? AS text[])) AS m""",
                    oldToken, newToken, enrolmentReference, moved.toArray(String[]::new));
        }
        jdbc.update("""
                UPDATE tokens SET status = 'DELETED', updated_at = now(),
                    status_reason = 'replaced by ' || ? || ' (card-update link, enrolment ' || ? || ')'
                WHERE token_name = ? AND status IN ('NEW', 'VERIFIED')""", newToken, enrolmentReference, oldToken);
        log.info("Enrolment {}: customer {} replaced token {} with {}; {} open order(s) moved", enrolmentReference, customerId, oldToken,
                newToken, moved.size());
        return moved;
    }
}
