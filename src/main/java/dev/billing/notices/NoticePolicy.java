package dev.billing.notices;

import java.time.Duration;
import java.time.Instant;

/** Whether a notice goes to its customer now. Pure. */
final class NoticePolicy {

    private NoticePolicy() {
    }

    /**
     * Why the notice is not sent, or null to send it: never to a customer who opted out; at most one per customer in
     * {@code minInterval} (counted from the last one sent).
     */
    static String skipReason(Instant now, Duration minInterval, Instant lastSentAt, Instant unsubscribedAt) {
        if (unsubscribedAt != null) {
            return "the customer unsubscribed at " + unsubscribedAt;
        }
        if (lastSentAt != null && lastSentAt.plus(minInterval).isAfter(now)) {
            return "a notice went to this customer at " + lastSentAt + " (at most one per " + minInterval + ")";
        }
        return null;
    }
}
