package dev.billing.notices;

import dev.billing.enrolment.EnrolLinks;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The two signed links of a notice, both signed with {@code billing.enrolment.secret}: the card-update link (an
 * {@code /enrol} link that names the token it replaces) and the unsubscribe link,
 * {@code /notices/unsubscribe?customer_id=C&sig=S} where S is the lower-case hex HMAC-SHA256 of {@code customer_id=C}.
 * Pure.
 */
record NoticeLinks(String secret, String base, String returnTo, Duration validFor) {

    NoticeLinks {
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The link that enrols a card in place of {@code tokenName}, valid for {@code validFor} from {@code now}. */
    String cardUpdate(String customerId, String email, String tokenName, Instant now) {
        return base + "/enrol?" + new EnrolLinks.Link(customerId, email, tokenName, returnTo, now.plus(validFor).getEpochSecond()).query(secret);
    }

    String unsubscribe(String customerId) {
        return base + "/notices/unsubscribe?customer_id=" + URLEncoder.encode(customerId, StandardCharsets.UTF_8) + "&sig="
                + EnrolLinks.hmacHex(secret, signed(customerId));
    }

    /** Whether {@code sig} is the unsubscribe signature of {@code customerId}. */
    static boolean unsubscribeSigned(String secret, String customerId, String sig) {
        return EnrolLinks.signs(secret, signed(customerId), sig);
    }

    private static String signed(String customerId) {
        return "customer_id=" + customerId;
    }
}
