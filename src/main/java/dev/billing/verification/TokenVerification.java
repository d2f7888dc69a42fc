package dev.billing.verification;

import dev.billing.gateway.OutcomeClass;

/** What a micro-charge's outcome does to the token and to the ledger row: pure rules, tested without a database. */
public final class TokenVerification {

    private TokenVerification() {
    }

    /** The token's status after verification attempt {@code attempt} ended {@code outcome}. */
    public static String tokenStatusAfter(OutcomeClass outcome, int attempt, int maxAttempts) {
        return switch (outcome) {
            case SUCCESS -> "VERIFIED";
            case HARD_DECLINE -> "INVALID";
            case SOFT_DECLINE -> attempt >= maxAttempts ? "INVALID" : "NEW";
            case CONFIG_ERROR, UNKNOWN, DUPLICATE_REFERENCE -> "VERIFYING";
        };
    }

    /** A ledger row's state after a reply of this class. */
    public static String attemptState(OutcomeClass outcome) {
        return switch (outcome) {
            case SUCCESS -> "SUCCEEDED";
            case SOFT_DECLINE -> "DECLINED";
            case HARD_DECLINE -> "FAILED";
            case CONFIG_ERROR, UNKNOWN, DUPLICATE_REFERENCE -> "UNKNOWN";
        };
    }
}
