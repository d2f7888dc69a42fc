package dev.billing.verification;

import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayReply;

/** The gateway calls of a verification, in either mode, to its token's account. */
final class VerificationCalls {

    private final ApsClient client;

    VerificationCalls(ApsClient client) {
        this.client = client;
    }

    ApsClient client() {
        return client;
    }

    GatewayReply charge(Verification v) {
        return switch (v.mode()) {
            case PURCHASE_REFUND -> client.forAccount(v.account()).purchase(v.chargeReference(), v.amount(), v.tokenName(), v.customerEmail(), "Card verification",
                    v.agreementId());
            case AUTHORIZE_VOID -> client.forAccount(v.account()).authorize(v.chargeReference(), v.amount(), v.tokenName(), v.customerEmail(), "Card verification", "MOTO");
        };
    }

    GatewayReply reverse(Verification v, int reversalAttempt) {
        return switch (v.mode()) {
            case PURCHASE_REFUND -> client.forAccount(v.account()).refund(v.chargeReference(), v.reversalReference(reversalAttempt), v.amount());
            case AUTHORIZE_VOID -> client.forAccount(v.account()).voidAuthorization(v.chargeReference());
        };
    }
}
