package dev.billing.verification;

import dev.billing.gateway.GatewayReply;
import dev.billing.money.Money;

/**
 * One verification of a token: its micro-charge (attempt {@code attempt}) and, once that succeeded, the reversal
 * that gives the money back (attempt {@code reversalAttempt} of it).
 */
public record Verification(long tokenId, String tokenName, String customerEmail, int attempt, VerificationMode mode, Money amount,
                           String agreementId, String account) {

    /** A verification of a token of the default account. */
    public Verification(long tokenId, String tokenName, String customerEmail, int attempt, VerificationMode mode, Money amount,
                        String agreementId) {
        this(tokenId, tokenName, customerEmail, attempt, mode, amount, agreementId, dev.billing.gateway.GatewayAccounts.DEFAULT);
    }

    /** The same verification for {@code value} (its account does not charge the configured currency). */
    public Verification withAmount(Money value) {
        return new Verification(tokenId, tokenName, customerEmail, attempt, mode, value, agreementId, account);
    }

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
