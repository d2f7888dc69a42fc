package dev.billing.gateway;

import java.util.Locale;

/** The hash types an APS account can be set to in its back office (Security Settings). */
public enum SignatureType {
    SHA_256("SHA-256", "SHA-256", false),
    SHA_512("SHA-512", "SHA-512", false),
    HMAC_SHA256("HMAC-SHA256", "HmacSHA256", true),
    HMAC_SHA512("HMAC-SHA512", "HmacSHA512", true);

    private final String label;
    final String algorithm;
    final boolean hmac;

    SignatureType(String label, String algorithm, boolean hmac) {
        this.label = label;
        this.algorithm = algorithm;
        this.hmac = hmac;
    }

    /** Parses {@code SHA-256}, {@code SHA-512}, {@code HMAC-SHA256}, {@code HMAC-SHA512} (also HMAC-256 / HMAC-512). */
    public static SignatureType parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace('_', '-');
        return switch (t) {
            case "SHA-256", "SHA256" -> SHA_256;
            case "SHA-512", "SHA512" -> SHA_512;
            case "HMAC-SHA256", "HMAC-256", "HMACSHA256" -> HMAC_SHA256;
            case "HMAC-SHA512", "HMAC-512", "HMACSHA512" -> HMAC_SHA512;
            default -> throw new IllegalArgumentException("billing.gateway.signature-type '" + text
                    + "' must be SHA-256, SHA-512, HMAC-SHA256 or HMAC-SHA512");
        };
    }

    public String label() {
        return label;
    }
}
