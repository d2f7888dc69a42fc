package dev.billing.refunds;

import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The refund requests as people read them: those waiting for a second person first, then the latest. */
@Component
public class RefundRequests {

    /** One request, for a page. {@code amount} in major units; times in UTC; {@code reference} once sent. */
    public record View(long id, String orderId, String amount, String currency, String reason, String requestedBy, String requestedAt,
                       String status, String decidedBy, String note, String reference) {

        public boolean waiting() {
            return status.equals("AWAITING_APPROVAL");
        }
    }

    private static final String COLUMNS = """
            SELECT id, order_id, amount_minor, currency, reason, requested_by, requested_at, status, decided_by, decision_note,
                   attempt_reference FROM refund_requests""";

    private final JdbcClient sql;

    public RefundRequests(JdbcTemplate jdbc) {
        this.sql = JdbcClient.create(jdbc);
    }

    /** The requests waiting for approval, oldest first, then the others, newest first; at most {@code limit}. */
    public List<View> recent(int limit) {
        return sql.sql(COLUMNS + " ORDER BY status = 'AWAITING_APPROVAL' DESC, CASE WHEN status = 'AWAITING_APPROVAL' THEN id END, id DESC"
                + " LIMIT :limit").param("limit", limit).query(RefundRequests::view).list();
    }

    /** The requests of one order, newest first. */
    public List<View> ofOrder(String orderId) {
        return sql.sql(COLUMNS + " WHERE order_id = :order ORDER BY id DESC").param("order", orderId).query(RefundRequests::view).list();
    }

    private static View view(ResultSet rs, int n) throws SQLException {
        Money amount = Money.ofMinor(rs.getLong(3), CurrencyUnit.require(rs.getString(4)));
        Timestamp at = rs.getTimestamp(7);
        return new View(rs.getLong(1), rs.getString(2), amount.toPlainString(), amount.currency().code(), rs.getString(5), rs.getString(6),
                at == null ? "" : at.toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11));
    }
}
