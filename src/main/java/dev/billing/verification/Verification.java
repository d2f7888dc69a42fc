package dev.billing.verification;

import dev.billing.gateway.GatewayReply;
import dev.billing.money.Money;

/**
 * One verification of a token: its micro-charge (attempt {@code attempt}) and, once that succeeded, the reversal
 * that gives the money back (attempt {@code reversalAttempt} of it).
 */
public record Verification(long tokenId, String tokenName, String customerEmail, int attempt, VerificationMode mode, Money amount,
                           String agreementId) {

    public String chargeReference() {
        return mode.chargeReference(tokenId, attempt);
    }

    public String reversalReference(int reversalAttempt) {
        return mode.reversalReference(chargeReference(), reversalAttempt);
    }

    /** What happened: the charge's reply (null when it was not sent in this step) and the reversal's, if one was sent. */
    public record Result(Verification verification, GatewayReply charge, int reversalAttempt, GatewayReply reversal, boolean withdrawn) {

        static Result withdrawn(Verification v) {
            return new Result(v, null, 0, null, true);
        }
    }
}
