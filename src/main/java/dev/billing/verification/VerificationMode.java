package dev.billing.verification;

import dev.billing.gateway.ApsCommand;
import dev.billing.ledger.AttemptKind;

/**
 * How a token is verified. PURCHASE_REFUND: a PURCHASE of the micro-amount ({@code eci=RECURRING}), refunded at
 * once. AUTHORIZE_VOID: an AUTHORIZATION ({@code eci=MOTO}: APS takes only PURCHASE as RECURRING), voided at once;
 * gentler with issuers, since nothing is captured, where the account allows authorizations.
 */
public enum VerificationMode {
    PURCHASE_REFUND(AttemptKind.VERIFICATION_CHARGE, AttemptKind.VERIFICATION_REFUND, "VC", "VR"),
    AUTHORIZE_VOID(AttemptKind.VERIFICATION_AUTHORIZATION, AttemptKind.VERIFICATION_VOID, "VA", "VV");

    final AttemptKind chargeKind;
    final AttemptKind reversalKind;
    final ApsCommand chargeCommand;
    final ApsCommand reversalCommand;
    final String chargePrefix;
    final String reversalPrefix;

    VerificationMode(AttemptKind chargeKind, AttemptKind reversalKind, String chargePrefix, String reversalPrefix) {
        this.chargeKind = chargeKind;
        this.reversalKind = reversalKind;
        this.chargeCommand = chargeKind.command();
        this.reversalCommand = reversalKind.command();
        this.chargePrefix = chargePrefix;
        this.reversalPrefix = reversalPrefix;
    }

    /** The mode a ledger row of this kind belongs to. */
    static VerificationMode ofKind(String kind) {
        for (VerificationMode mode : values()) {
            if (mode.chargeKind.name().equals(kind) || mode.reversalKind.name().equals(kind)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("not a verification kind: " + kind);
    }

    /** The micro-charge's merchant reference: token number and verification attempt. */
    String chargeReference(long tokenId, int attempt) {
        return chargePrefix + "-" + tokenId + "-" + attempt;
    }

    /** The reversal's own reference (the refund's maintenance_reference): the charge's, and the reversal attempt. */
    String reversalReference(String chargeReference, int reversalAttempt) {
        return reversalPrefix + chargeReference.substring(chargePrefix.length()) + "-" + reversalAttempt;
    }
}
