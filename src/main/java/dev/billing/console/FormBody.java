package dev.billing.console;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code application/x-www-form-urlencoded} text (a query string or a form body) into its parameters, strictly:
 * a bad percent escape, bytes that are not UTF-8, or a control character (NUL and the rest of C0 but tab, line feed
 * and carriage return) is refused, not replaced, so that no such value reaches a page, a log or the database. Pure.
 */
final class FormBody {

    /** The text cannot be read as a form. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    private FormBody() {
    }

    /** Adds the parameters of {@code text} (null or empty: none) to {@code into}, in their order. */
    static void parse(String text, Map<String, List<String>> into) {
        if (text == null || text.isEmpty()) {
            return;
        }
        for (String pair : text.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            into.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
    }

    /** The parameters as the servlet API gives them: names in order, each with its values. */
    static Map<String, String[]> of(String query, byte[] body) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        parse(query, all);
        if (body != null && body.length > 0) {
            parse(utf8(body), all);
        }
        Map<String, String[]> map = new LinkedHashMap<>();
        all.forEach((name, values) -> map.put(name, values.toArray(String[]::new)));
        return Collections.unmodifiableMap(map);
    }

    /** Percent-decodes one name or value ({@code +} is a space) and checks what it holds. */
    static String decode(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw new Malformed("a percent escape is cut short");
                }
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new Malformed("a percent escape is not two hexadecimal digits");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c > 0x7f) {
                byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    raw = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(raw);
            } else {
                bytes.write(c);
            }
        }
        return utf8(bytes.toByteArray());
    }

    /** The bytes as UTF-8 text without control characters; {@link Malformed} otherwise. */
    static String utf8(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("the text is not UTF-8");
        }
        requirePrintable(text);
        return text;
    }

    /** Refuses NUL and the other C0 control characters but tab, line feed and carriage return. */
    static void requirePrintable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                throw new Malformed("the text holds a control character");
            }
        }
    }
}
