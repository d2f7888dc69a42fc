package dev.billing.charging;

import dev.billing.money.Money;

/**
 * An order that is due, with what charging it needs: its token's state and e-mail, its next attempt number (which
 * only ever grows, so a merchant reference is never reused) and its soft declines since it was (re)opened (which the
 * retry schedule counts).
 */
public record DueOrder(long id, String orderId, String tokenName, String tokenStatus, String customerEmail, Money amount,
                       int nextAttempt, int softDeclines, String agreementId) {

    /** The attempt's merchant reference: derived from the order and the attempt number, so a retry of a call reuses it. */
    public String reference() {
        return reference(orderId, nextAttempt);
    }

    public static String reference(String orderId, int attempt) {
        return "CH-" + orderId + "-" + attempt;
    }

    /** The same order with the terms read under lock when its ledger row was written. */
    DueOrder withAmount(Money lockedAmount) {
        return new DueOrder(id, orderId, tokenName, tokenStatus, customerEmail, lockedAmount, nextAttempt, softDeclines, agreementId);
    }
}
