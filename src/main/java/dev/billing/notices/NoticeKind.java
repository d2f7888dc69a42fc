package dev.billing.notices;

/** What a notice tells the customer, and the event it comes from. */
public enum NoticeKind {
    /** A charge was soft-declined: it is tried again on a date; another card can be given. */
    SOFT_DECLINE("charge.declined"),
    /** A charge failed for good (a hard decline, or the last retry). */
    FINAL_DECLINE("charge.failed"),
    /** The card was refused when it was checked (or a decline showed it dead): another card keeps the orders going. */
    TOKEN_INVALID("token.invalid"),
    /** The card expires before its next due charge. */
    CARD_EXPIRING("token.expiring");

    private final String eventType;

    NoticeKind(String eventType) {
        this.eventType = eventType;
    }

    /** The outbox event type (wire name) it comes from. */
    public String eventType() {
        return eventType;
    }
}
