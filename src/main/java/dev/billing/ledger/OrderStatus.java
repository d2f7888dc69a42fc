package dev.billing.ledger;

import java.util.EnumSet;
import java.util.Set;

/**
 * An order's status ({@code orders.status}, whose CHECK constraint holds the same words): {@code PENDING},
 * {@code SHIPPED} or {@code DEFERRED} until a charge settles it {@code PAID}, or {@code PAYMENT_FAILED} after the last
 * retry or a hard decline; {@code CANCELLED} is never charged. A refund of a paid order makes it
 * {@code PARTIALLY_REFUNDED} or {@code REFUNDED}.
 */
public enum OrderStatus {
    /** Not due yet. */
    PENDING,
    /** Due now. */
    SHIPPED,
    /** Due on its charge date. */
    DEFERRED,
    PAID,
    /** Out of retries, or hard-declined: a person decides (charge again, or not). */
    PAYMENT_FAILED,
    CANCELLED,
    /** Charged, and part of the charge refunded. */
    PARTIALLY_REFUNDED,
    /** Charged, and the whole charge refunded. */
    REFUNDED;

    /** The statuses of an order charged once and for all: an import never changes what was charged, nor reopens it. */
    public static final Set<OrderStatus> CHARGED = EnumSet.of(PAID, PARTIALLY_REFUNDED, REFUNDED);

    /** {@link #CHARGED} as an SQL list, for {@code status IN ...}. */
    public static final String CHARGED_SQL = AttemptState.sqlList(CHARGED);

    /** What an import may set: the statuses of an order not charged yet. */
    public static final Set<OrderStatus> IMPORTED = EnumSet.of(SHIPPED, DEFERRED, PENDING, CANCELLED);

    /** Paid, and perhaps refunded since: charged once and for all. */
    public boolean isCharged() {
        return CHARGED.contains(this);
    }

    /** Shipped or deferred: an outcome may settle it (a status the import set, such as cancelled, is never overridden). */
    public boolean awaitsCharge() {
        return this == SHIPPED || this == DEFERRED;
    }

    /** Parses a stored value; null stays null. */
    public static OrderStatus of(String stored) {
        return stored == null ? null : valueOf(stored);
    }
}
