package dev.billing.ledger;

import java.util.EnumSet;
import java.util.Set;

/**
 * A token's status ({@code tokens.status}, whose CHECK constraint holds the same words): {@code NEW} until its
 * verification ({@code VERIFYING}) makes it {@code VERIFIED} or {@code INVALID}; {@code DELETED} when the customer
 * removed the card. Only a VERIFIED token is charged.
 */
public enum TokenStatus {
    NEW,
    VERIFYING,
    VERIFIED,
    INVALID,
    /** The customer removed the card: its orders are held, and it is deactivated at the gateway once. */
    DELETED;

    /** What a tokens file may say. */
    public static final Set<TokenStatus> IMPORTED = EnumSet.of(NEW, VERIFIED, DELETED);

    /** Parses a stored value; null stays null. */
    public static TokenStatus of(String stored) {
        return stored == null ? null : valueOf(stored);
    }
}
