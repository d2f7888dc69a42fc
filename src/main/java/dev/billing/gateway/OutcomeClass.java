package dev.billing.gateway;

/** What a gateway reply means for the engine. */
public enum OutcomeClass {
    /** Done: book it. */
    SUCCESS,
    /** Refused for now (funds, issuer unavailable): a later attempt, on another day, with a new reference. */
    SOFT_DECLINE,
    /** Refused for good (expired, lost, unknown token): never retried; the token is dead. */
    HARD_DECLINE,
    /**
     * The gateway refused this one request for its own data (an amount, a currency or a field it cannot take): final
     * for this movement, which is never sent again as it is; the run goes on for everyone else.
     */
    REJECTED,
    /** The account's settings are wrong (credentials, signature, access): stop the run, touch no order. */
    CONFIG_ERROR,
    /** The reference was used before: never final; ask CHECK_STATUS what happened to it. */
    DUPLICATE_REFERENCE,
    /** The outcome is not known (timeout, lost connection, 5xx, bad signature, pending): ask CHECK_STATUS. */
    UNKNOWN;

    /** True when the money movement's outcome is settled by this reply alone. */
    public boolean isFinal() {
        return this == SUCCESS || this == SOFT_DECLINE || this == HARD_DECLINE || this == REJECTED;
    }
}
