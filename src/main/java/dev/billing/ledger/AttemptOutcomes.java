package dev.billing.ledger;

import dev.billing.gateway.GatewayReply;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/** Writes what the gateway answered onto ledger rows that are still open. Shared by charging and verification. */
final class AttemptOutcomes {

    /**
     * One statement for a whole batch of outcomes (a statement per row cost a round of the executor, and of the
     * charge figures' trigger, per row: the settling update was the database's busiest statement in a night).
     */
    static final String UPDATE = """
            UPDATE payment_attempts p SET state = x.state, outcome_class = x.outcome_class, response_code = x.response_code,
                response_message = x.response_message, acquirer_response_code = x.acquirer_response_code,
                fort_id = COALESCE(x.fort_id, p.fort_id), authorization_code = x.authorization_code, detail = x.detail,
                sent_at = COALESCE(p.sent_at, now()), resolved_at = CASE WHEN x.final THEN now() END, updated_at = now()
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bool[], ?::text[])
                 AS x(state, outcome_class, response_code, response_message, acquirer_response_code, fort_id, authorization_code, detail,
                      final, attempt_reference)
            WHERE p.attempt_reference = x.attempt_reference AND p.state\s""" + AttemptState.NOT_SETTLED_SQL + """

            RETURNING p.attempt_reference""";

    private AttemptOutcomes() {
    }

    /**
     * Applies the updates in the caller's transaction; a row already settled is left as it is. Returns, per row, whether
     * this call moved it (it was open): what an outcome does to an order or a token follows only that move, so a reply,
     * a status check and a notification of one outcome, in any order and at once, act on it exactly once. Outcomes are
     * applied in their order: a reference given twice is updated by the first, then by the second (which moves it only
     * if the first left it open).
     */
    static boolean[] write(JdbcTemplate jdbc, List<Attempts.Outcome> outcomes) {
        boolean[] moved = new boolean[outcomes.size()];
        for (List<Integer> round : rounds(outcomes)) {
            Set<String> written = update(jdbc, round.stream().map(outcomes::get).toList());
            for (int i : round) {
                moved[i] = written.contains(outcomes.get(i).attemptReference());
            }
        }
        return moved;
    }

    /** The outcomes' positions in rounds where no reference occurs twice: its first occurrence in the first, and so on. */
    static List<List<Integer>> rounds(List<Attempts.Outcome> outcomes) {
        List<List<Integer>> rounds = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < outcomes.size(); i++) {
            int round = seen.merge(outcomes.get(i).attemptReference(), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(i);
        }
        return rounds;
    }

    private static Set<String> update(JdbcTemplate jdbc, List<Attempts.Outcome> outcomes) {
        Set<String> written = new HashSet<>();
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (PreparedStatement ps = connection.prepareStatement(UPDATE)) {
                ps.setArray(1, texts(connection, outcomes, o -> o.state().name()));
                ps.setArray(2, texts(connection, outcomes, o -> o.reply().outcome().name()));
                ps.setArray(3, texts(connection, outcomes, o -> o.reply().responseCode()));
                ps.setArray(4, texts(connection, outcomes, o -> message(o.reply())));
                ps.setArray(5, texts(connection, outcomes, o -> o.reply().acquirerResponseCode()));
                ps.setArray(6, texts(connection, outcomes, o -> o.reply().fortId()));
                ps.setArray(7, texts(connection, outcomes, o -> o.reply().authorizationCode()));
                ps.setArray(8, texts(connection, outcomes, o -> o.reply().problem()));
                ps.setArray(9, connection.createArrayOf("bool", outcomes.stream().map(o -> o.reply().outcome().isFinal()).toArray()));
                ps.setArray(10, texts(connection, outcomes, Attempts.Outcome::attemptReference));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        written.add(rs.getString(1));
                    }
                }
            }
            return null;
        });
        return written;
    }

    private static String message(GatewayReply reply) {
        String message = reply.responseMessage();
        return message == null || message.length() <= 255 ? message : message.substring(0, 255);
    }

    private static Array texts(Connection connection, List<Attempts.Outcome> outcomes,
                               java.util.function.Function<Attempts.Outcome, String> field) throws SQLException {
        return connection.createArrayOf("text", outcomes.stream().map(field).toArray());
    }
}
