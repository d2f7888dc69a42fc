package dev.billing.bench;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One account's charges of a night, from its ledger rows: how many, from its first row prepared ({@code first}) to its
 * last settled ({@code last}), in epoch seconds, and when its 10th and 90th percentile charges were settled: the stretch
 * over which the rate it keeps is measured (its start, its first page and budget slots, and its last chunk left out).
 * What {@code bench --slow-account-latency-ms} prints and the budget test asserts.
 */
public record AccountLane(int charges, double first, double last, double middleFrom, double middleTo) {

    /** The lane of {@code account}'s charges in the ledger. */
    public static AccountLane of(JdbcTemplate jdbc, String account) {
        List<Double> settled = jdbc.queryForList("""
                SELECT extract(epoch FROM resolved_at)::float8 FROM payment_attempts
                WHERE kind = 'CHARGE' AND account = ? ORDER BY resolved_at""", Double.class, account);
        Double first = jdbc.queryForObject("SELECT extract(epoch FROM min(created_at))::float8 FROM payment_attempts WHERE kind = 'CHARGE'"
                + " AND account = ?", Double.class, account);
        int n = settled.size();
        if (n == 0) {
            return new AccountLane(0, 0, 0, 0, 0);
        }
        return new AccountLane(n, first, settled.get(n - 1), settled.get(n / 10), settled.get(n * 9 / 10));
    }

    /** Seconds from its first row prepared to its last settled. */
    public double seconds() {
        return last - first;
    }

    /** The charges between its 10th and 90th percentile ones. */
    public int middleCharges() {
        return charges * 9 / 10 - charges / 10;
    }

    /** Seconds its middle 80% of charges took. */
    public double middleSeconds() {
        return middleTo - middleFrom;
    }

    /** Charges a second over its middle 80% (0 with too few charges to tell). */
    public double middleRate() {
        return charges < 10 || middleSeconds() <= 0 ? 0 : middleCharges() / middleSeconds();
    }
}
