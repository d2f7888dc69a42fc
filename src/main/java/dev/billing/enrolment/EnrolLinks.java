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
 * four, that order, the values as the link carries them once decoded); {@code expires} is Unix seconds. A card-update
 * link (a customer notice's) also names the token it replaces: {@code replaces=R} joins the signed fields after
 * {@code email}. Pure.
 */
public final class EnrolLinks {

    /** One link's parameters; {@code replaces} is null but in a card-update link. */
    public record Link(String customerId, String email, String replaces, String returnTo, long expires) {

        /** An enrolment link for a new card (no token replaced). */
        public Link(String customerId, String email, String returnTo, long expires) {
            this(customerId, email, null, returnTo, expires);
        }

        String signed() {
            return "customer_id=" + customerId + "&email=" + email + (replaces == null ? "" : "&replaces=" + replaces)
                    + "&return_to=" + returnTo + "&expires=" + expires;
        }

        /** The query string of the link, signed. */
        public String query(String secret) {
            return "customer_id=" + enc(customerId) + "&email=" + enc(email) + (replaces == null ? "" : "&replaces=" + enc(replaces))
                    + "&return_to=" + enc(returnTo) + "&expires=" + expires + "&sig=" + signature(secret, this);
        }
    }

    private EnrolLinks() {
    }

    public static String signature(String secret, Link link) {
        return hmacHex(secret, link.signed());
    }

    /** The lower-case hex HMAC-SHA256 of {@code text} with {@code secret}: the signature of the engine's links. */
    public static String hmacHex(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
        }
    }

    /** Whether {@code sig} is the signature of {@code text}; constant-time. */
    public static boolean signs(String secret, String text, String sig) {
        return sig != null && MessageDigest.isEqual(hmacHex(secret, text).getBytes(StandardCharsets.US_ASCII),
                sig.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    /** Why a link is refused, or null when it is good at {@code now}. Constant-time signature comparison. */
    public static String refusal(String secret, Link link, String sig, Instant now) {
        if (!signs(secret, link.signed(), sig)) {
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
