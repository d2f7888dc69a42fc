package dev.billing.charging;

import dev.billing.gateway.OutcomeClass;
import dev.billing.ledger.AttemptState;
import dev.billing.ledger.OrderStatus;
import dev.billing.ledger.RetrySchedule;
import java.time.LocalDate;

/**
 * What one charge attempt's outcome does to the ledger, the order and the token: the state transitions of the
 * design, as a pure function.
 *
 * @param softDeclines the order's soft declines since it was (re)opened, this one included when it is one
 */
public record ChargeOutcome(AttemptState attemptState, OrderStatus orderStatus, LocalDate nextAttemptOn, boolean invalidateToken,
                            String failureReason, boolean stopsTheRun, int softDeclines) {

    /**
     * The transitions for a charge that ended {@code outcome} on {@code businessDate}, of an order that had
     * {@code softDeclinesBefore} soft declines since it was (re)opened. The retry schedule counts those declines, not
     * attempt numbers: an order opened again by an import gets its whole schedule again.
     */
    public static ChargeOutcome of(OutcomeClass outcome, int softDeclinesBefore, LocalDate businessDate, RetrySchedule schedule,
                                   String detail) {
        AttemptState state = AttemptState.after(outcome);
        return switch (outcome) {
            case SUCCESS -> new ChargeOutcome(state, OrderStatus.PAID, null, false, null, false, softDeclinesBefore);
            case SOFT_DECLINE -> {
                int declines = softDeclinesBefore + 1;
                yield schedule.nextAttempt(declines, businessDate)
                        .map(next -> new ChargeOutcome(state, null, next, false, null, false, declines))
                        .orElseGet(() -> new ChargeOutcome(state, OrderStatus.PAYMENT_FAILED, null, false,
                                "declined " + declines + " times, last: " + detail, false, declines));
            }
            case HARD_DECLINE -> new ChargeOutcome(state, OrderStatus.PAYMENT_FAILED, null, true, "hard decline: " + detail, false,
                    softDeclinesBefore);
            case REJECTED -> new ChargeOutcome(state, OrderStatus.PAYMENT_FAILED, null, false,
                    "the gateway refused the request for its data: " + detail, false, softDeclinesBefore);
            case CONFIG_ERROR -> new ChargeOutcome(state, null, null, false, null, true, softDeclinesBefore);
            case DUPLICATE_REFERENCE, UNKNOWN -> new ChargeOutcome(state, null, null, false, null, false, softDeclinesBefore);
        };
    }
}
