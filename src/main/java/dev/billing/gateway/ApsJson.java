package dev.billing.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paymentApi's bodies: one flat JSON object. Requests are written with every value a string (so what is
 * signed is exactly what is sent); replies are read keeping each scalar's text as it came and nested values in
 * their given order, so that a reply's signature can be checked over all of its keys.
 */
public final class ApsJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private ApsJson() {
    }

    public static byte[] write(Map<String, ?> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeValue(g, fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, Object value) throws IOException {
        if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                writeValue(g, item);
            }
            g.writeEndArray();
        } else {
            g.writeString(String.valueOf(value));
        }
    }

    /** Reads one JSON object; throws {@link IllegalArgumentException} when the body is not one. */
    public static Map<String, Object> read(byte[] body) {
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("the body is not a JSON object");
            }
            Map<String, Object> result = readObject(p);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("text after the JSON object");
            }
            return result;
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not valid JSON", e);
        }
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            Object value = readValue(p, p.nextToken());
            if (value != null) {
                map.put(name, value);
            }
        }
        return map;
    }

    private static Object readValue(JsonParser p, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> readObject(p);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    list.add(readValue(p, t));
                }
                yield list;
            }
            case VALUE_NULL -> null;
            default -> p.getText();
        };
    }
}
