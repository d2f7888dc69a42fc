package dev.billing.notices;

import dev.billing.events.OutboxConsumer;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Takes the notices out of the outbox's events, in the transaction that fans them out (so each event gives at most one
 * notice): a soft decline, a final decline, a token found INVALID, a card expiring before its next due charge; for the
 * token's customer. One statement per batch of events; events of other types are not read. Sending is
 * {@link NoticeSender}'s.
 */
@Component
class NoticeIntake implements OutboxConsumer {

    private static final String KINDS = String.join(" ", Arrays.stream(NoticeKind.values())
            .map(k -> "WHEN '" + k.eventType() + "' THEN '" + k.name() + "'").toList());
    private static final String TYPES = String.join(", ", Arrays.stream(NoticeKind.values()).map(k -> "'" + k.eventType() + "'").toList());

    private final JdbcTemplate jdbc;
    private final NoticesProperties settings;

    NoticeIntake(JdbcTemplate jdbc, NoticesProperties settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    @Override
    public void take(List<Long> outboxIds) {
        if (!settings.enabled() || outboxIds.isEmpty()) {
            return;
        }
        jdbc.update("INSERT INTO notices (event_id, kind, customer_id, token_name, order_id, amount_minor, currency, next_attempt_on)"
                + " SELECT o.event_id, CASE o.type " + KINDS + " END, t.customer_id, t.token_name, x.d ->> 'order_id',"
                + " CAST(x.d ->> 'amount_minor' AS bigint), x.d ->> 'currency', CAST(x.d ->> 'next_attempt_on' AS date)"
                + " FROM outbox o CROSS JOIN LATERAL (SELECT CAST(o.body AS jsonb) -> 'data' AS d) x"
                // a charge event names its token; one written before it did (by the version before notices) is found by its order
                + " LEFT JOIN orders r ON r.order_id = x.d ->> 'order_id'"
                + " JOIN tokens t ON t.token_name = coalesce(x.d ->> 'token_name', r.token_name)"
                + " WHERE o.id = ANY (?) AND o.type IN (" + TYPES + ")"
                + " ORDER BY o.id ON CONFLICT (event_id) DO NOTHING", (Object) outboxIds.toArray(Long[]::new));
    }
}
