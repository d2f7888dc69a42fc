package dev.billing.charging;

import dev.billing.money.Money;

/** An order that is due, with what charging it needs: its token's state and e-mail, and its next attempt number. */
public record DueOrder(long id, String orderId, String tokenName, String tokenStatus, String customerEmail, Money amount,
                       int nextAttempt) {

    /** The attempt's merchant reference: derived from the order and the attempt number, so a retry of a call reuses it. */
    public String reference() {
        return reference(orderId, nextAttempt);
    }

    public static String reference(String orderId, int attempt) {
        return "CH-" + orderId + "-" + attempt;
    }
}
