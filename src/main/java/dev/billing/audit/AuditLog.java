package dev.billing.audit;

import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The audit trail ({@code audit_log}): appended in its own statement; the database refuses updates and deletes, but for
 * the count of a counted row. What a person does is one row each, with the address the request came from (none from
 * the command line); what an anonymous visitor is refused is counted, one row per source, action and minute, so that
 * a flood of refusals cannot push a person's action out of sight.
 */
@Component
public class AuditLog {

    /** One entry; {@code count} refusals when it is a counted row. */
    public record Entry(long id, Instant at, String actor, String action, String target, String result, String source, int count) {
    }

    /** What the audit page asks for: each null or blank for any; {@code before} pages back by id. */
    public record Filter(String actor, String action, String result, LocalDate date, Long before) {

        public Filter {
            actor = blankToNull(actor);
            action = blankToNull(action);
            result = blankToNull(result);
        }

        private static String blankToNull(String text) {
            return text == null || text.isBlank() ? null : text.strip();
        }
    }

    /** The actor of counted refusals. */
    public static final String ANONYMOUS = "anonymous";

    private final JdbcClient jdbc;

    public AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Appends one entry; a web request's source address is recorded with it. */
    public void append(String actor, String action, String target, String result) {
        jdbc.sql("INSERT INTO audit_log (actor, action, target, result, source) VALUES (:actor, :action, :target, :result, :source)")
                .param("actor", clip(actor, 64)).param("action", clip(action, 40)).param("target", clip(target, 200))
                .param("result", clip(result, 400)).param("source", clip(currentSource(), 64))
                .update();
    }

    /**
     * Counts a refusal of an anonymous visitor: the first of its source, action and minute is a row (with this target
     * and result), the others add to its count.
     */
    public void countRefusal(String source, String action, String target, String result) {
        jdbc.sql("""
                INSERT INTO audit_log (actor, action, target, result, source, minute)
                VALUES (:actor, :action, :target, :result, :source, date_trunc('minute', now()))
                ON CONFLICT (minute, source, action) WHERE minute IS NOT NULL DO UPDATE SET count = audit_log.count + 1""")
                .param("actor", ANONYMOUS).param("action", clip(action, 40)).param("target", clip(target, 200))
                .param("result", clip(result, 400)).param("source", clip(source == null ? "unknown" : source, 64))
                .update();
    }

    public List<Entry> recent(int limit) {
        return search(new Filter(null, null, null, null, null), limit);
    }

    /** The newest entries that pass the filter, at most {@code limit}. */
    public List<Entry> search(Filter filter, int limit) {
        return jdbc.sql("""
                SELECT id, at, actor, action, target, result, source, count FROM audit_log
                WHERE (CAST(:actor AS text) IS NULL OR actor = :actor)
                  AND (CAST(:action AS text) IS NULL OR action = :action)
                  AND (CAST(:result AS text) IS NULL OR result ILIKE '%' || replace(replace(replace(:result, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')
                  AND (CAST(:day AS date) IS NULL OR (at >= CAST(:day AS date) AT TIME ZONE 'UTC'
                                                     AND at < (CAST(:day AS date) + 1) AT TIME ZONE 'UTC'))
                  AND (CAST(:before AS bigint) IS NULL OR id < :before)
                ORDER BY id DESC LIMIT :limit""")
                .param("actor", filter.actor()).param("action", filter.action()).param("result", filter.result())
                .param("day", filter.date() == null ? null : Date.valueOf(filter.date())).param("before", filter.before())
                .param("limit", limit)
                .query((rs, n) -> new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8)))
                .list();
    }

    /** The actions the trail holds, for the page's filter. */
    public List<String> actions() {
        return jdbc.sql("SELECT DISTINCT action FROM audit_log ORDER BY action").query(String.class).list();
    }

    /** The address of the web request this thread serves, or null (the command line). */
    public static String currentSource() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes web ? web.getRequest().getRemoteAddr() : null;
    }

    private static String clip(String text, int length) {
        if (text == null) {
            return null;
        }
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= length ? printable : printable.substring(0, length);
    }
}
