package dev.billing.ledger;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Card-network hygiene: how many attempts were made on each token in the last 30 days, charges and verifications
 * alike, declined ones included ({@code billing.retry.max-per-card-30d} caps them).
 */
@Component
public class CardAttempts {

    private final JdbcTemplate jdbc;

    public CardAttempts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Map<String, Integer> inLast30Days(Collection<String> tokens) {
        Map<String, Integer> counts = new HashMap<>();
        if (tokens.isEmpty()) {
            return counts;
        }
        jdbc.query("""
                SELECT token_name, count(*) FROM payment_attempts
                WHERE token_name = ANY (?) AND created_at > now() - interval '30 days'
                  AND kind IN ('CHARGE', 'VERIFICATION_CHARGE', 'VERIFICATION_AUTHORIZATION')
                GROUP BY token_name""",
                rs -> {
                    counts.put(rs.getString(1), rs.getInt(2));
                }, (Object) tokens.toArray(String[]::new));
        return counts;
    }
}
