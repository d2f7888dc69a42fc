package dev.billing.notifications;

import dev.billing.gateway.ApsForm;
import dev.billing.gateway.ApsJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads a notification's body, JSON or form-encoded, into its fields. Pure: refuses anything it cannot read exactly. */
public final class NotificationParser {

    /** The largest body taken: APS's notifications are a few hundred bytes. */
    public static final int MAX_BYTES = 64 * 1024;

    /** A body refused before anything is stored, with the HTTP status that says why. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private NotificationParser() {
    }

    /** The fields of a body sent with this {@code Content-Type}. */
    public static Map<String, String> parse(String contentType, byte[] body) {
        if (body.length > MAX_BYTES) {
            throw new Refused(413, "the body is over " + MAX_BYTES + " bytes");
        }
        String lower = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        String type = (lower.indexOf(';') < 0 ? lower : lower.substring(0, lower.indexOf(';'))).trim();
        Map<String, String> fields = switch (type) {
            case "application/json" -> json(body);
            case "application/x-www-form-urlencoded" -> form(body);
            default -> throw new Refused(415, "the content type must be application/json or application/x-www-form-urlencoded");
        };
        if (fields.isEmpty()) {
            throw new Refused(400, "the body has no fields");
        }
        fields.forEach((name, value) -> {
            if (hasControl(name) || hasControl(value)) {
                throw new Refused(400, "a field holds a control character");
            }
        });
        return fields;
    }

    /** NUL and the other C0 controls but tab, line feed and carriage return: nothing APS sends, nothing to store. */
    private static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f);
    }

    private static Map<String, String> json(byte[] body) {
        Map<String, Object> parsed;
        try {
            parsed = ApsJson.read(body);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "the body is not a JSON object");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        parsed.forEach((key, value) -> {
            if (value == null || value instanceof Map || value instanceof java.util.List) {
                throw new Refused(400, "field values must be text or numbers");
            }
            fields.put(key, String.valueOf(value));
        });
        return fields;
    }

    private static Map<String, String> form(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused(400, "the body is not UTF-8");
        }
        Map<String, String> fields = ApsForm.decode(text);
        if (fields == null) {
            throw new Refused(400, "the form body is not name=value pairs, correctly percent-encoded, each name once");
        }
        return fields;
    }
}
