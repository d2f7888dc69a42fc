package dev.billing.tokens;

/**
 * One token to set INACTIVE at the gateway, and the ledger row that carries the call.
 *
 * @param resend true when the row is open already (written by an earlier run whose outcome is not known): the same
 *               request is sent again, with the same reference
 */
public record Deactivation(long tokenId, String tokenName, int attempt, boolean resend, String account) {

    /** A deactivation of a token of the default account. */
    public Deactivation(long tokenId, String tokenName, int attempt, boolean resend) {
        this(tokenId, tokenName, attempt, resend, dev.billing.gateway.GatewayAccounts.DEFAULT);
    }

    /** The row's reference: deterministic, so a row committed before a crash is found and sent again with it. */
    public String reference() {
        return reference(tokenId, attempt);
    }

    static String reference(long tokenId, int attempt) {
        return "TD-" + tokenId + "-" + attempt;
    }
}
