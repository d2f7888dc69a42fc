package dev.billing.ledger;

import dev.billing.gateway.ApsCommand;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a ledger row moves: the gateway command that carries it, and whether it gives money back. A reversal's row
 * carries the {@code merchant_reference} of the movement it reverses; its own key is its maintenance reference.
 */
public enum AttemptKind {
    CHARGE(ApsCommand.PURCHASE, false),
    VERIFICATION_CHARGE(ApsCommand.PURCHASE, false),
    VERIFICATION_REFUND(ApsCommand.REFUND, true),
    VERIFICATION_AUTHORIZATION(ApsCommand.AUTHORIZATION, false),
    VERIFICATION_VOID(ApsCommand.VOID_AUTHORIZATION, true),
    /** A token set INACTIVE at the gateway: no money moves (amount 0, currency {@code XXX}). */
    TOKEN_DEACTIVATION(ApsCommand.UPDATE_TOKEN, false),
    /**
     * A refund of an order's charge, which a person (or a file's row) asked for: it carries the charge's merchant
     * reference, and its own reference {@code RF-<order_id>-<n>} is its maintenance reference.
     */
    REFUND(ApsCommand.REFUND, true);

    /** Movements that take money from a card: what card networks count as attempts. */
    public static final Set<AttemptKind> CARD_CHARGES = EnumSet.of(CHARGE, VERIFICATION_CHARGE, VERIFICATION_AUTHORIZATION);
    public static final Set<AttemptKind> VERIFICATION_CHARGES = EnumSet.of(VERIFICATION_CHARGE, VERIFICATION_AUTHORIZATION);
    public static final Set<AttemptKind> VERIFICATION_REVERSALS = EnumSet.of(VERIFICATION_REFUND, VERIFICATION_VOID);

    public static final String CARD_CHARGES_SQL = AttemptState.sqlList(CARD_CHARGES);
    public static final String VERIFICATION_CHARGES_SQL = AttemptState.sqlList(VERIFICATION_CHARGES);
    public static final String VERIFICATION_REVERSALS_SQL = AttemptState.sqlList(VERIFICATION_REVERSALS);

    private final ApsCommand command;
    private final boolean reversal;

    AttemptKind(ApsCommand command, boolean reversal) {
        this.command = command;
        this.reversal = reversal;
    }

    /** The gateway command that makes this movement. */
    public ApsCommand command() {
        return command;
    }

    /** True when the movement gives money back (refund, void). */
    public boolean isReversal() {
        return reversal;
    }

    /** True when the movement is a verification's (charge or reversal). */
    public boolean isVerification() {
        return VERIFICATION_CHARGES.contains(this) || VERIFICATION_REVERSALS.contains(this);
    }

    /** True when the row moves money at all (everything but a token deactivation). */
    public boolean movesMoney() {
        return this != TOKEN_DEACTIVATION;
    }

    /** The amount this movement adds to the money taken from customers: a refund subtracts, a void moved none. */
    public long netAmount(long amountMinor) {
        if (this == VERIFICATION_VOID || this == TOKEN_DEACTIVATION) {
            return 0;
        }
        return reversal ? -amountMinor : amountMinor;
    }
}
