package dev.billing.verification;

import dev.billing.gateway.ApsCommand;

/**
 * How a token is verified. PURCHASE_REFUND: a PURCHASE of the micro-amount ({@code eci=RECURRING}), refunded at
 * once. AUTHORIZE_VOID: an AUTHORIZATION ({@code eci=MOTO}: APS takes only PURCHASE as RECURRING), voided at once;
 * gentler with issuers, since nothing is captured, where the account allows authorizations.
 */
public enum VerificationMode {
    PURCHASE_REFUND("VERIFICATION_CHARGE", "VERIFICATION_REFUND", ApsCommand.PURCHASE, ApsCommand.REFUND, "VC", "VR"),
    AUTHORIZE_VOID("VERIFICATION_AUTHORIZATION", "VERIFICATION_VOID", ApsCommand.AUTHORIZATION, ApsCommand.VOID_AUTHORIZATION, "VA", "VV");

    final String chargeKind;
    final String reversalKind;
    final ApsCommand chargeCommand;
    final ApsCommand reversalCommand;
    final String chargePrefix;
    final String reversalPrefix;

    VerificationMode(String chargeKind, String reversalKind, ApsCommand chargeCommand, ApsCommand reversalCommand,
                     String chargePrefix, String reversalPrefix) {
        this.chargeKind = chargeKind;
        this.reversalKind = reversalKind;
        this.chargeCommand = chargeCommand;
        this.reversalCommand = reversalCommand;
        this.chargePrefix = chargePrefix;
        this.reversalPrefix = reversalPrefix;
    }

    /** The mode a ledger row of this kind belongs to. */
    static VerificationMode ofKind(String kind) {
        for (VerificationMode mode : values()) {
            if (mode.chargeKind.equals(kind) || mode.reversalKind.equals(kind)) {
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
