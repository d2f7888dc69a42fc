package dev.billing.gateway;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** APS's form encoding ({@code application/x-www-form-urlencoded}, UTF-8): how its browser posts and its notifications travel. */
public final class ApsForm {

    private ApsForm() {
    }

    /**
     * The fields of a form body; null when it is not exactly readable (a part that is not name=value, bad
     * percent-encoding, a name given twice).
     */
    public static Map<String, String> decode(String body) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        for (String pair : body.strip().split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            try {
                String name = java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                if (fields.put(name, java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)) != null) {
                    return null;
                }
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return fields;
    }

    public static byte[] encode(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")).getBytes(StandardCharsets.UTF_8);
    }
}
