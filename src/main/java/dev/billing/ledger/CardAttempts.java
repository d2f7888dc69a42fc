package dev.billing.ledger;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Card-network hygiene: how many declined attempts each token had in the 30 days up to a business date, charges and
 * verification charges alike, soft and hard declines ({@code billing.retry.max-declines-per-card-30d} caps them;
 * Visa's excessive-reattempt rule). A successful attempt never counts. The window is counted in business dates, not
 * by the wall clock, so a catch-up night counts as that night would have.
 */
@Component
public class CardAttempts {

    /** The days of the window, the business date included. */
    public static final int WINDOW_DAYS = 30;

    private final JdbcTemplate jdbc;

    public CardAttempts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Map<String, Integer> declinesInWindow(Collection<String> tokens, LocalDate businessDate) {
        Map<String, Integer> counts = new HashMap<>();
        if (tokens.isEmpty()) {
            return counts;
        }
        jdbc.query("""
                SELECT token_name, count(*) FROM payment_attempts
                WHERE token_name = ANY (?) AND outcome_class IN ('SOFT_DECLINE', 'HARD_DECLINE')
                  AND business_date > ? AND business_date <= ? AND kind IN\s""" + AttemptKind.CARD_CHARGES_SQL + """
                GROUP BY token_name""",
                rs -> {
                    counts.put(rs.getString(1), rs.getInt(2));
                }, tokens.toArray(String[]::new), Date.valueOf(businessDate.minusDays(WINDOW_DAYS)), Date.valueOf(businessDate));
        return counts;
    }

    /** The reason an attempt on this token is held, when it has reached {@code limit} declines; null when it may go. */
    public static String limitReason(String tokenName, int declines, int limit, LocalDate businessDate) {
        if (declines < limit) {
            return null;
        }
        return "card-network limit: " + declines + " declines on token " + tokenName + " in the " + WINDOW_DAYS
                + " days up to " + businessDate + " (billing.retry.max-declines-per-card-30d=" + limit + ")";
    }
}
