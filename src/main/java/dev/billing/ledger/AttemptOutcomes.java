package dev.billing.ledger;

import dev.billing.gateway.GatewayReply;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/** Writes what the gateway answered onto ledger rows that are still open. Shared by charging and verification. */
final class AttemptOutcomes {

    private AttemptOutcomes() {
    }

    /** One row's update: its new state and what the reply said; final replies also stamp {@code resolved_at}. */
    private static Object[] row(GatewayReply reply, AttemptState state, String attemptReference) {
        String message = reply.responseMessage() == null || reply.responseMessage().length() <= 255
                ? reply.responseMessage() : reply.responseMessage().substring(0, 255);
        return new Object[] {state.name(), reply.outcome().name(), reply.responseCode(), message, reply.acquirerResponseCode(),
            reply.fortId(), reply.authorizationCode(), reply.problem(), reply.outcome().isFinal(), attemptReference};
    }

    /**
     * Applies the updates in the caller's transaction; a row already settled is left as it is. Returns, per row, whether
     * this call moved it (it was open): what an outcome does to an order or a token follows only that move, so a reply,
     * a status check and a notification of one outcome, in any order and at once, act on it exactly once.
     */
    static boolean[] write(JdbcTemplate jdbc, List<Attempts.Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return new boolean[0];
        }
        List<Object[]> rows = outcomes.stream().map(o -> row(o.reply(), o.state(), o.attemptReference())).toList();
        int[] counts = jdbc.batchUpdate("""
                UPDATE payment_attempts SET state = ?, outcome_class = ?, response_code = ?, response_message = ?,
                    acquirer_response_code = ?, fort_id = COALESCE(?, fort_id), authorization_code = ?, detail = ?,
                    sent_at = COALESCE(sent_at, now()), resolved_at = CASE WHEN ? THEN now() END, updated_at = now()
                WHERE attempt_reference = ? AND state\s""" + AttemptState.NOT_SETTLED_SQL, rows);
        boolean[] moved = new boolean[counts.length];
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == java.sql.Statement.SUCCESS_NO_INFO) {
                throw new IllegalStateException("the driver did not say which ledger rows an update moved");
            }
            moved[i] = counts[i] > 0;
        }
        return moved;
    }
}
