package dev.billing.reconciliation;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One money movement of the ledger as finance sees it: a row of {@code transactions-<date>.csv}.
 *
 * @param outcome SUCCESS, DECLINED (soft, will be retried), FAILED (final) or UNKNOWN (not yet resolved)
 * @param reversalOf for a refund or void, the merchant reference of the verification charge it gives back
 */
public record Movement(LocalDate businessDate, String merchantReference, String kind, String orderId, String customerId,
                       String tokenName, long amountMinor, String currency, String outcome, String responseCode,
                       String responseMessage, String fortId, int attempt, Instant processedAt) {

    public boolean isCharge() {
        return kind.equals("CHARGE");
    }

    public boolean isVerificationCharge() {
        return kind.equals("VERIFICATION_CHARGE") || kind.equals("VERIFICATION_AUTHORIZATION");
    }

    public boolean isReversal() {
        return kind.equals("VERIFICATION_REFUND") || kind.equals("VERIFICATION_VOID");
    }
}
