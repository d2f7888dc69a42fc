package dev.billing.charging;

import dev.billing.gateway.OutcomeClass;
import java.time.LocalDate;

/**
 * What one charge attempt's outcome does to the ledger, the order and the token: the state transitions of the
 * design, as a pure function.
 */
public record ChargeOutcome(String attemptState, String orderStatus, LocalDate nextAttemptOn, boolean invalidateToken,
                            String failureReason, boolean stopsTheRun) {

    /** The transitions for attempt number {@code attempt} that ended {@code outcome} on {@code businessDate}. */
    public static ChargeOutcome of(OutcomeClass outcome, int attempt, LocalDate businessDate, RetrySchedule schedule, String detail) {
        return switch (outcome) {
            case SUCCESS -> new ChargeOutcome("SUCCEEDED", "PAID", null, false, null, false);
            case SOFT_DECLINE -> schedule.nextAttempt(attempt, businessDate)
                    .map(next -> new ChargeOutcome("DECLINED", null, next, false, null, false))
                    .orElseGet(() -> new ChargeOutcome("DECLINED", "PAYMENT_FAILED", null, false,
                            "declined " + attempt + " times, last: " + detail, false));
            case HARD_DECLINE -> new ChargeOutcome("FAILED", "PAYMENT_FAILED", null, true, "hard decline: " + detail, false);
            case CONFIG_ERROR -> new ChargeOutcome("UNKNOWN", null, null, false, null, true);
            case DUPLICATE_REFERENCE, UNKNOWN -> new ChargeOutcome("UNKNOWN", null, null, false, null, false);
        };
    }
}
