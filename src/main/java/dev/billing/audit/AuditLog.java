package dev.billing.console;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The audit trail ({@code audit_log}): appended in its own statement; the database refuses updates and deletes. */
@Component
public class AuditLog {

    /** One entry. */
    public record Entry(long id, Instant at, String actor, String action, String target, String result) {
    }

    private final JdbcTemplate jdbc;

    public AuditLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void append(String actor, String action, String target, String result) {
        jdbc.update("INSERT INTO audit_log (actor, action, target, result) VALUES (?, ?, ?, ?)",
                clip(actor, 64), clip(action, 40), clip(target, 200), clip(result, 400));
    }

    public List<Entry> recent(int limit) {
        return jdbc.query("SELECT id, at, actor, action, target, result FROM audit_log ORDER BY id DESC LIMIT ?",
                (rs, n) -> new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6)), limit);
    }

    private static String clip(String text, int length) {
        if (text == null) {
            return null;
        }
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= length ? printable : printable.substring(0, length);
    }
}
