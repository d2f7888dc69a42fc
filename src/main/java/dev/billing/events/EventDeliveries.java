package dev.billing.events;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The deliveries of events to the merchant's endpoints, as the console lists them, and an operator's resend. */
@Component
public class EventDeliveries {

    /** One event to one endpoint: what was tried and what came of it. */
    public record Delivery(String eventId, String type, Instant occurredAt, String endpoint, String status, int attempts, Integer lastStatus,
                           String lastError, Instant nextAttemptAt, Instant deliveredAt) {

        public boolean delivered() {
            return status.equals("DELIVERED");
        }
    }

    private final JdbcTemplate jdbc;

    public EventDeliveries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The newest deliveries first, those given up for a person before the rest; {@code status} null for any. */
    public List<Delivery> recent(String status, int limit) {
        return jdbc.query("""
                SELECT d.event_id, o.type, o.occurred_at, d.endpoint, d.status, d.attempts, d.last_status, d.last_error, d.next_attempt_at,
                       d.delivered_at
                FROM event_deliveries d JOIN outbox o ON o.event_id = d.event_id
                WHERE CAST(? AS text) IS NULL OR d.status = ?
                ORDER BY d.status = 'GAVE_UP' DESC, o.id DESC LIMIT ?""", (rs, n) -> new Delivery(rs.getString(1), rs.getString(2),
                rs.getTimestamp(3).toInstant(), rs.getString(4), rs.getString(5), rs.getInt(6), (Integer) rs.getObject(7), rs.getString(8),
                rs.getTimestamp(9).toInstant(), rs.getTimestamp(10) == null ? null : rs.getTimestamp(10).toInstant()), status, status, limit);
    }

    /** How many deliveries are in each status. */
    public java.util.Map<String, Long> counts() {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc.query("SELECT status, count(*) FROM event_deliveries GROUP BY status",
                (org.springframework.jdbc.core.RowCallbackHandler) rs -> counts.put(rs.getString(1), rs.getLong(2)));
        return counts;
    }

    /** An operator's resend: the delivery is due again now, whatever came of it before. False when there is none. */
    /** Deliveries not made yet, and events not fanned out yet: the outbox's backlog. */
    public long backlog() {
        return jdbc.queryForObject("SELECT (SELECT count(*) FROM event_deliveries WHERE status = 'PENDING')"
                + " + (SELECT count(*) FROM outbox WHERE NOT fanned_out)", Long.class);
    }

    /** The age, in seconds, of the oldest event still to be delivered or fanned out (0 when none): the outbox's lag. */
    public double lagSeconds() {
        return jdbc.queryForObject("""
                SELECT coalesce(extract(epoch FROM now() - least(
                    (SELECT min(o.occurred_at) FROM event_deliveries d JOIN outbox o ON o.event_id = d.event_id WHERE d.status = 'PENDING'),
                    (SELECT min(occurred_at) FROM outbox WHERE NOT fanned_out))), 0)""", Double.class);
    }

    public boolean resend(String eventId, String endpoint) {
        return jdbc.update("UPDATE event_deliveries SET status = 'PENDING', next_attempt_at = now() WHERE event_id = ? AND endpoint = ?",
                eventId, endpoint) > 0;
    }
}
