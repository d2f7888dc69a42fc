package dev.billing.tokens;

import dev.billing.events.EventType;
import dev.billing.events.Outbox;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code token.expiring}: a usable token whose card expires (at the end of its {@code MM/YY} month) before the next
 * due charge of one of its orders (a deferred order's charge date, a retry's date, or the night's date for a shipped
 * order). Written once per card expiry: the token's {@code expiring_reported} is stamped in the same transaction as
 * the event, so a night run again, or the next night, writes it no more; a token whose expiry the merchant updates is
 * looked at again.
 */
@Component
public class ExpiringCards {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Outbox outbox;

    public ExpiringCards(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Outbox outbox) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactionManager);
        this.outbox = outbox;
    }

    /** Writes the events of the cards found expiring as of {@code date}; returns how many. */
    public int report(LocalDate date) {
        Integer written = transaction.execute(status -> {
            List<Outbox.Event> events = jdbc.query("""
                    UPDATE tokens t SET expiring_reported = t.card_expiry
                    FROM (SELECT o.token_name, min(GREATEST(CASE WHEN o.status = 'DEFERRED' THEN o.charge_on ELSE CAST(? AS date) END,
                                                            coalesce(o.next_attempt_on, CAST(? AS date)))) AS next_due
                          FROM orders o WHERE o.status IN ('SHIPPED', 'DEFERRED') GROUP BY o.token_name) d
                    WHERE d.token_name = t.token_name AND t.status IN ('NEW', 'VERIFYING', 'VERIFIED')
                      AND t.expiring_reported IS DISTINCT FROM t.card_expiry
                      AND CAST(make_date(2000 + CAST(substr(t.card_expiry, 4, 2) AS int), CAST(substr(t.card_expiry, 1, 2) AS int), 1)
                               + interval '1 month' - interval '1 day' AS date) < d.next_due
                    RETURNING t.token_name, t.card_expiry, d.next_due""", (rs, n) -> {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("token_name", rs.getString(1));
                data.put("card_expiry", rs.getString(2));
                data.put("next_due_on", rs.getDate(3).toLocalDate().toString());
                data.put("business_date", date.toString());
                return new Outbox.Event(EventType.TOKEN_EXPIRING, data);
            }, Date.valueOf(date), Date.valueOf(date));
            outbox.append(events);
            return events.size();
        });
        return written == null ? 0 : written;
    }
}
