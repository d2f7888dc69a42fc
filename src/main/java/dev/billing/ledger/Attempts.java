package dev.billing.ledger;

import dev.billing.gateway.GatewayAccounts;
import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.GatewayReply;
import dev.billing.money.Money;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The one place that writes rows of the payment ledger ({@code payment_attempts}): a row is prepared before its
 * call is sent ({@link #prepare}), settled by what the gateway says ({@link #settle}: a reply, a status check, a
 * notification, all by the one update of {@link AttemptOutcomes}), or withdrawn when it was never sent
 * ({@link #withdraw}). Every row names the account its token belongs to and
 * the gateway that account calls ({@link GatewayProperties#target}); a row whose token's account is not configured is not
 * prepared. In the caller's
 * transaction, always.
 */
@Component
public class Attempts {

    /**
     * A row to prepare.
     *
     * @param orderId         null for a movement of a token (a verification, a deactivation)
     * @param jobExecutionId  null when a person started it (see {@code initiatedBy})
     * @param initiatedBy     the user who started it from the console; null for a run
     */
    public record New(String attemptReference, String merchantReference, AttemptKind kind, String orderId, String tokenName, int attempt,
                      Money amount, LocalDate businessDate, Long jobExecutionId, String initiatedBy) {
    }

    /** What the gateway said of the row {@code attemptReference}, and the state it puts the row in. */
    public record Outcome(GatewayReply reply, AttemptState state, String attemptReference) {
    }

    /** A prepared row taken back before it was sent. {@code orderId} is null for a movement of a token. */
    public record Withdrawn(String attemptReference, String tokenName, String orderId) {
    }

    private final JdbcTemplate jdbc;
    private final GatewayAccounts accounts;

    public Attempts(JdbcTemplate jdbc, GatewayAccounts accounts) {
        this.jdbc = jdbc;
        this.accounts = accounts;
    }

    /**
     * Each account's name and the gateway its rows name, in two arrays of one order: worked out once (the settings do not
     * change), on the first prepare, which refuses a run when an account has no gateway ({@link GatewayAccounts#target}).
     */
    private volatile String[][] targets;

    private String[][] targets() {
        String[][] known = targets;
        if (known == null) {
            List<String> names = accounts.names();
            known = new String[][] {names.toArray(String[]::new), names.stream().map(accounts::target).toArray(String[]::new)};
            targets = known;
        }
        return known;
    }

    /**
     * Inserts the rows PREPARED, in one statement; returns the attempt references written. A row the database's unique
     * indexes refuse (the same reference, or an open movement of the same order or token: another run prepared it) is
     * left out, and nothing else happens to it.
     */
    public Set<String> prepare(List<New> attempts) {
        if (attempts.isEmpty()) {
            return Set.of();
        }
        String[][] targets = targets();
        Set<String> written = new HashSet<>();
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                                  currency, business_date, state, job_execution_id, initiated_by, gateway, account)
                    SELECT r, m, k, o, t, n, a, c, d, 'PREPARED', j, i, g.target, g.account
                    FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::int8[], ?::text[], ?::date[], ?::int8[],
                                ?::text[]) AS x(r, m, k, o, t, n, a, c, d, j, i)
                         LEFT JOIN tokens tk ON tk.token_name = x.t
                         JOIN unnest(?::text[], ?::text[]) AS g(account, target) ON g.account = COALESCE(tk.account, 'default')
                    ON CONFLICT DO NOTHING
                    RETURNING attempt_reference""")) {
                ps.setArray(1, texts(connection, attempts.stream().map(New::attemptReference).toList()));
                ps.setArray(2, texts(connection, attempts.stream().map(New::merchantReference).toList()));
                ps.setArray(3, texts(connection, attempts.stream().map(a -> a.kind().name()).toList()));
                ps.setArray(4, texts(connection, attempts.stream().map(New::orderId).toList()));
                ps.setArray(5, texts(connection, attempts.stream().map(New::tokenName).toList()));
                ps.setArray(6, connection.createArrayOf("int4", attempts.stream().map(New::attempt).toArray()));
                ps.setArray(7, connection.createArrayOf("int8", attempts.stream().map(a -> a.amount().minorUnits()).toArray()));
                ps.setArray(8, texts(connection, attempts.stream().map(a -> a.amount().currency().code()).toList()));
                ps.setArray(9, connection.createArrayOf("date", attempts.stream().map(a -> Date.valueOf(a.businessDate())).toArray()));
                ps.setArray(10, connection.createArrayOf("int8", attempts.stream().map(New::jobExecutionId).toArray()));
                ps.setArray(11, texts(connection, attempts.stream().map(New::initiatedBy).toList()));
                ps.setArray(12, connection.createArrayOf("text", targets[0]));
                ps.setArray(13, connection.createArrayOf("text", targets[1]));
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

    /**
     * Settles open rows with what the gateway said; a row settled already is left as it is. Returns, per row, whether
     * this call moved it from open to settled: what an outcome does to an order or a token follows only that move.
     */
    public boolean[] settle(List<Outcome> outcomes) {
        return AttemptOutcomes.write(jdbc, outcomes);
    }

    /** Deletes rows still PREPARED (never sent); returns what was deleted. */
    public List<Withdrawn> withdraw(List<String> attemptReferences) {
        if (attemptReferences.isEmpty()) {
            return List.of();
        }
        List<Withdrawn> gone = new ArrayList<>();
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    DELETE FROM payment_attempts WHERE attempt_reference = ANY (?) AND state = 'PREPARED'
                    RETURNING attempt_reference, token_name, order_id""")) {
                ps.setArray(1, texts(connection, attemptReferences));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        gone.add(new Withdrawn(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            return null;
        });
        return gone;
    }

    private static Array texts(Connection connection, List<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }
}
