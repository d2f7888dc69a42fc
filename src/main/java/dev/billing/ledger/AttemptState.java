package dev.billing.ledger;

import dev.billing.gateway.OutcomeClass;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The state of one ledger row (a money movement at the gateway). A row is written PREPARED and committed before its
 * call is sent; the reply, a status check or a notification then settles it. PREPARED and UNKNOWN are open: only the
 * gateway can say what became of them, so a run asks it ({@code CHECK_STATUS}) before it does anything new.
 */
public enum AttemptState {
    /** Committed before the call; the call may or may not have reached the gateway. */
    PREPARED,
    /** The gateway took the money (or gave it back). */
    SUCCEEDED,
    /** Soft decline: a later attempt, with a new reference, may succeed. */
    DECLINED,
    /** Final refusal: a hard decline, or a request the gateway refused as malformed. Never sent again. */
    FAILED,
    /** Sent, outcome not known (timeout, lost reply, pending, unverifiable reply): ask the gateway. */
    UNKNOWN;

    /** The states whose outcome only the gateway can tell. */
    public static final Set<AttemptState> OPEN = EnumSet.of(PREPARED, UNKNOWN);

    /** {@link #OPEN} as an SQL list, for {@code state IN ...}. */
    public static final String OPEN_SQL = sqlList(OPEN);

    public boolean isOpen() {
        return OPEN.contains(this);
    }

    /** The state a row takes when the gateway's answer is of this class: the one mapping, for charges and verifications. */
    public static AttemptState after(OutcomeClass outcome) {
        return switch (outcome) {
            case SUCCESS -> SUCCEEDED;
            case SOFT_DECLINE -> DECLINED;
            case HARD_DECLINE, REJECTED -> FAILED;
            case CONFIG_ERROR, UNKNOWN, DUPLICATE_REFERENCE -> UNKNOWN;
        };
    }

    /** Parses a stored value; null stays null. */
    public static AttemptState of(String stored) {
        return stored == null ? null : valueOf(stored);
    }

    static String sqlList(Set<? extends Enum<?>> values) {
        return values.stream().map(v -> "'" + v.name() + "'").collect(Collectors.joining(", ", "(", ")"));
    }
}
