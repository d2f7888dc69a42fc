package dev.billing.enrolment;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The merchant's signed enrolment links (contract: "The web side of serve"): {@code sig} is the lower-case hex
 * HMAC-SHA256, with {@code billing.enrolment.secret}, of {@code customer_id=C&email=E&return_to=U&expires=T} (those
 * four, that order, the values as the link carries them once decoded); {@code expires} is Unix seconds. Pure.
 */
public final class EnrolLinks {

    /** One link's parameters. */
    public record Link(String customerId, String email, String returnTo, long expires) {

        String signed() {
            return "customer_id=" + customerId + "&email=" + email + "&return_to=" + returnTo + "&expires=" + expires;
        }

        /** The query string of the link, signed. */
        public String query(String secret) {
            return "customer_id=" + enc(customerId) + "&email=" + enc(email) + "&return_to=" + enc(returnTo) + "&expires=" + expires
                    + "&sig=" + signature(secret, this);
        }
    }

    private EnrolLinks() {
    }

    public static String signature(String secret, Link link) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(link.signed().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
        }
    }

    /** Why a link is refused, or null when it is good at {@code now}. Constant-time signature comparison. */
    public static String refusal(String secret, Link link, String sig, Instant now) {
        if (sig == null || !MessageDigest.isEqual(signature(secret, link).getBytes(StandardCharsets.US_ASCII),
                sig.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return "this link is not signed by the merchant";
        }
        if (now.getEpochSecond() > link.expires()) {
            return "this link has expired";
        }
        if (!link.returnTo().matches("https?://[^\\s\"'<>]+")) {
            return "this link's return address is not a web address";
        }
        return null;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
