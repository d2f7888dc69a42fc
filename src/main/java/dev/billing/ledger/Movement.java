package dev.billing.ledger;

import dev.billing.gateway.GatewayProperties;
import java.time.Instant;
import java.time.LocalDate;

/**
 * One money movement of the ledger as finance sees it: a row of {@code transactions-<date>.csv}.
 *
 * @param outcome SUCCESS, DECLINED (soft, will be retried), FAILED (final) or UNKNOWN (not yet resolved)
 * @param gateway where it was sent: {@value GatewayProperties#SIMULATOR} (no money moved), or the gateway's host
 * @param account the APS account it was sent to (its token's)
 */
public record Movement(LocalDate businessDate, String merchantReference, String kind, String orderId, String customerId,
                       String tokenName, long amountMinor, String currency, String outcome, String responseCode,
                       String responseMessage, String fortId, int attempt, Instant processedAt, String gateway, String account) {

    /** A movement of the default account. */
    public Movement(LocalDate businessDate, String merchantReference, String kind, String orderId, String customerId, String tokenName,
                    long amountMinor, String currency, String outcome, String responseCode, String responseMessage, String fortId,
                    int attempt, Instant processedAt, String gateway) {
        this(businessDate, merchantReference, kind, orderId, customerId, tokenName, amountMinor, currency, outcome, responseCode,
                responseMessage, fortId, attempt, processedAt, gateway, dev.billing.gateway.GatewayAccounts.DEFAULT);
    }

    /** A movement whose gateway the ledger did not record (written before it did). */
    public Movement(LocalDate businessDate, String merchantReference, String kind, String orderId, String customerId, String tokenName,
                    long amountMinor, String currency, String outcome, String responseCode, String responseMessage, String fortId,
                    int attempt, Instant processedAt) {
        this(businessDate, merchantReference, kind, orderId, customerId, tokenName, amountMinor, currency, outcome, responseCode,
                responseMessage, fortId, attempt, processedAt, "unrecorded");
    }

    /** True when it went to the built-in simulator: no money moved. */
    public boolean simulated() {
        return GatewayProperties.SIMULATOR.equals(gateway);
    }

    public AttemptKind attemptKind() {
        return AttemptKind.valueOf(kind);
    }

    public boolean isCharge() {
        return attemptKind() == AttemptKind.CHARGE;
    }

    public boolean isVerificationCharge() {
        return AttemptKind.VERIFICATION_CHARGES.contains(attemptKind());
    }

    public boolean isReversal() {
        return attemptKind().isReversal();
    }
}
