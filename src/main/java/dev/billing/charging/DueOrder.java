package dev.billing.charging;

import dev.billing.ledger.CardAttempts;
import dev.billing.ledger.RunSettings;
import dev.billing.ledger.TokenStatus;
import dev.billing.money.Money;
import java.time.LocalDate;

/**
 * An order that is due, with what charging it needs: its token's state and e-mail, its next attempt number (which
 * only ever grows, so a merchant reference is never reused) and its soft declines since it was (re)opened (which the
 * retry schedule counts), and the account its token belongs to, which it is charged on.
 */
public record DueOrder(long id, String orderId, String tokenName, TokenStatus tokenStatus, String customerEmail, Money amount,
                       int nextAttempt, int softDeclines, String agreementId, String account) {

    /** An order on a token of the default account. */
    public DueOrder(long id, String orderId, String tokenName, TokenStatus tokenStatus, String customerEmail, Money amount,
                    int nextAttempt, int softDeclines, String agreementId) {
        this(id, orderId, tokenName, tokenStatus, customerEmail, amount, nextAttempt, softDeclines, agreementId,
                dev.billing.gateway.GatewayAccounts.DEFAULT);
    }

    /** The attempt's merchant reference: derived from the order and the attempt number, so a retry of a call reuses it. */
    public String reference() {
        return reference(orderId, nextAttempt);
    }

    public static String reference(String orderId, int attempt) {
        return "CH-" + orderId + "-" + attempt;
    }

    /**
     * Why the order may not be charged on {@code date}, or null when it may: its token is not VERIFIED (or the customer
     * deleted it), it has no agreement where one is required, its token was hard-declined earlier in this run, or the
     * card-network limit of declines in 30 days is reached ({@code declinesInWindow}). The night and the console's
     * "charge again" apply the same rules, in this order.
     */
    String holdReason(int declinesInWindow, RunSettings settings, LocalDate date, boolean tokenDeadInThisRun) {
        if (tokenStatus != TokenStatus.VERIFIED) {
            return tokenStatus == TokenStatus.DELETED ? "token " + tokenName + " is DELETED: the customer removed the card"
                    : "token " + tokenName + " is " + tokenStatus + ", not VERIFIED";
        }
        if (settings.agreementHold(agreementId) != null) {
            return settings.agreementHold(agreementId);
        }
        if (tokenDeadInThisRun) {
            return "token " + tokenName + " was hard-declined in this run";
        }
        return CardAttempts.limitReason(tokenName, declinesInWindow, settings.maxDeclinesPerCard30d(), date);
    }

    /** The same order with the terms read under lock when its ledger row was written. */
    DueOrder withAmount(Money lockedAmount) {
        return new DueOrder(id, orderId, tokenName, tokenStatus, customerEmail, lockedAmount, nextAttempt, softDeclines, agreementId, account);
    }
}
