package dev.billing.events;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes events to the outbox in the caller's transaction, so that an event exists exactly when the change it reports
 * was committed (a rollback takes both). Nothing is sent from here: {@link EventDispatcher} delivers afterwards. An
 * event's body is {@code {id, type, occurred_at, data}}; its data never holds card data (callers pass references,
 * amounts in minor units, dates, reasons).
 */
@Component
public class Outbox {

    /** An event to write: its type and its data. */
    public record Event(EventType type, Map<String, ?> data) {
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final JdbcTemplate jdbc;

    /**
     * {@code evt_} then the time in milliseconds (12 hex digits) then 80 random bits (20 hex digits): unique, and in
     * time order, so that the unique index takes a night's million events at its right edge instead of all over it.
     */
    static String eventId(Instant now) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        return "evt_" + String.format(java.util.Locale.ROOT, "%012x", now.toEpochMilli()) + java.util.HexFormat.of().formatHex(random);
    }

    public Outbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Writes one event; returns its id. */
    public String append(EventType type, Map<String, ?> data) {
        return append(List.of(new Event(type, data))).get(0);
    }

    /** Writes the events in one statement, in the caller's transaction; returns their ids in order. */
    public List<String> append(List<Event> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        Instant now = Instant.now();
        String[] ids = new String[events.size()];
        String[] types = new String[events.size()];
        String[] bodies = new String[events.size()];
        for (int i = 0; i < events.size(); i++) {
            ids[i] = eventId(now);
            types[i] = events.get(i).type().wire();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", ids[i]);
            body.put("type", types[i]);
            body.put("occurred_at", DateTimeFormatter.ISO_INSTANT.format(now));
            body.put("data", events.get(i).data());
            bodies[i] = EventJson.write(body);
        }
        jdbc.update("""
                INSERT INTO outbox (event_id, type, occurred_at, body)
                SELECT i, t, ?, b FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) AS x(i, t, b)""",
                Timestamp.from(now), ids, types, bodies);
        return List.of(ids);
    }
}
