package dev.billing.ledger;

import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a soft-declined order is tried again: {@code billing.retry.schedule}, the waits between attempts
 * ({@code 1d,3d,7d}: the second attempt a day after the first, the third three days after the second, the
 * fourth a week after the third; after a fourth soft decline the order has failed for good).
 */
public record RetrySchedule(List<Period> waits) {

    public RetrySchedule {
        waits = List.copyOf(waits);
    }

    /** Parses {@code 1d,3d,7d} (days; {@code w} weeks also accepted). */
    public static RetrySchedule parse(String text) {
        List<Period> waits = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            for (String part : text.split(",", -1)) {
                String p = part.trim().toLowerCase(java.util.Locale.ROOT);
                if (!p.matches("\\d{1,3}[dw]")) {
                    throw new IllegalArgumentException("billing.retry.schedule '" + text + "' must be waits between attempts"
                            + " in days or weeks, like 1d,3d,7d");
                }
                int n = Integer.parseInt(p.substring(0, p.length() - 1));
                if (n < 1) {
                    throw new IllegalArgumentException("billing.retry.schedule waits must be at least one day");
                }
                waits.add(p.endsWith("w") ? Period.ofWeeks(n) : Period.ofDays(n));
            }
        }
        return new RetrySchedule(waits);
    }

    /** How many attempts an order gets in all. */
    public int maxAttempts() {
        return waits.size() + 1;
    }

    /**
     * The date of the next attempt after attempt number {@code attempt} (1-based) was soft-declined on
     * {@code businessDate}; empty when that was the last attempt.
     */
    public Optional<LocalDate> nextAttempt(int attempt, LocalDate businessDate) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1");
        }
        if (attempt > waits.size()) {
            return Optional.empty();
        }
        return Optional.of(businessDate.plus(waits.get(attempt - 1)));
    }
}
