package dev.billing.gateway;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * APS request and response signatures: every parameter but {@code signature}, sorted by name in byte order,
 * written {@code name=value} with no separator, wrapped in the SHA phrase at both ends, hashed over its UTF-8
 * bytes (a plain digest, or an HMAC keyed with the same phrase) and hex-encoded in lower case.
 *
 * <p>Nested values are written {@code {k1=v1, k2=v2}} and lists {@code [a, b]}, in their given order.
 */
public final class ApsSignature {

    private final SignatureType type;

    public ApsSignature(SignatureType type) {
        this.type = type;
    }

    public SignatureType type() {
        return type;
    }

    /** The string that is hashed: phrase + sorted {@code k=v} pairs + phrase. */
    public static String canonical(Map<String, ?> params, String phrase) {
        StringBuilder s = new StringBuilder(phrase);
        new TreeMap<>(params).forEach((name, value) -> {
            if (!name.equals("signature") && value != null) {
                s.append(name).append('=').append(render(value));
            }
        });
        return s.append(phrase).toString();
    }

    private static String render(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> e.getKey() + "=" + render(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ApsSignature::render).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }

    /** The signature of these parameters with this phrase, in lower-case hex. */
    public String sign(Map<String, ?> params, String phrase) {
        byte[] data = canonical(params, phrase).getBytes(StandardCharsets.UTF_8);
        try {
            byte[] hash;
            if (type.hmac) {
                Mac mac = Mac.getInstance(type.algorithm);
                mac.init(new SecretKeySpec(phrase.getBytes(StandardCharsets.UTF_8), type.algorithm));
                hash = mac.doFinal(data);
            } else {
                hash = MessageDigest.getInstance(type.algorithm).digest(data);
            }
            return HexFormat.of().formatHex(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + type.algorithm, e);
        }
    }

    /**
     * True when {@code params} carry a {@code signature} that matches all their other keys signed with the phrase.
     * Compared case-insensitively and in constant time.
     */
    public boolean verify(Map<String, ?> params, String phrase) {
        Object given = params.get("signature");
        if (!(given instanceof String text) || text.isEmpty()) {
            return false;
        }
        byte[] expected = sign(params, phrase).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = text.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }
}
