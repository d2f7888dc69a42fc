package dev.billing.verification;

import dev.billing.gateway.OutcomeClass;

/** What a micro-charge's outcome does to the token: pure rules, tested without a database. */
public final class TokenVerification {

    private TokenVerification() {
    }

    /** The token's status after verification attempt {@code attempt} ended {@code outcome}. */
    public static String tokenStatusAfter(OutcomeClass outcome, int attempt, int maxAttempts) {
        return switch (outcome) {
            case SUCCESS -> "VERIFIED";
            case HARD_DECLINE, REJECTED -> "INVALID";
            case SOFT_DECLINE -> attempt >= maxAttempts ? "INVALID" : "NEW";
            case CONFIG_ERROR, UNKNOWN, DUPLICATE_REFERENCE -> "VERIFYING";
        };
    }
}
