package dev.billing.gateway;

/**
 * {@code billing.gateway.agreement-id}: whether a merchant-initiated charge may go without the customer's agreement.
 * APS requires {@code token_name} and {@code agreement_id} on recurring payments (its Recurring Payments API).
 */
public enum AgreementPolicy {
    /** A token without an agreement is never charged: its orders are held, its verification waits (the default). */
    REQUIRED,
    /** The agreement is sent when known; a token without one is charged without it. */
    OPTIONAL
}
