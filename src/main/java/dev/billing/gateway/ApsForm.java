package dev.billing.gateway;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** APS's form encoding ({@code application/x-www-form-urlencoded}, UTF-8): how its browser posts and its notifications travel. */
public final class ApsForm {

    private ApsForm() {
    }

    public static byte[] encode(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")).getBytes(StandardCharsets.UTF_8);
    }
}
