package dev.billing.gateway;

/** What a gateway reply means for the engine. */
public enum OutcomeClass {
    /** Done: book it. */
    SUCCESS,
    /** Refused for now (funds, issuer unavailable): a later attempt, on another day, with a new reference. */
    SOFT_DECLINE,
    /** Refused for good (expired, lost, unknown token): never retried; the token is dead. */
    HARD_DECLINE,
    /** Our request or account settings are wrong (signature, credentials, fields): stop the run, touch no order. */
    CONFIG_ERROR,
    /** The reference was used before: never final; ask CHECK_STATUS what happened to it. */
    DUPLICATE_REFERENCE,
    /** The outcome is not known (timeout, lost connection, 5xx, bad signature, pending): ask CHECK_STATUS. */
    UNKNOWN;

    /** True when the money movement's outcome is settled by this reply alone. */
    public boolean isFinal() {
        return this == SUCCESS || this == SOFT_DECLINE || this == HARD_DECLINE;
    }
}
