package dev.billing.verification;

import dev.billing.gateway.OutcomeClass;
import dev.billing.ledger.TokenStatus;

/** What a micro-charge's outcome does to the token: pure rules, tested without a database. */
public final class TokenVerification {

    private TokenVerification() {
    }

    /** The token's status after verification attempt {@code attempt} ended {@code outcome}. */
    public static TokenStatus tokenStatusAfter(OutcomeClass outcome, int attempt, int maxAttempts) {
        return switch (outcome) {
            case SUCCESS -> TokenStatus.VERIFIED;
            case HARD_DECLINE, REJECTED -> TokenStatus.INVALID;
            case SOFT_DECLINE -> attempt >= maxAttempts ? TokenStatus.INVALID : TokenStatus.NEW;
            case CONFIG_ERROR, UNKNOWN, DUPLICATE_REFERENCE -> TokenStatus.VERIFYING;
        };
    }
}
