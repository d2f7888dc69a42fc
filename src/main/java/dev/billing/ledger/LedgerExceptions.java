package dev.billing.ledger;

import dev.billing.money.Money;
import java.sql.Date;
import java.time.LocalDate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Appends what the engine found and a person must decide on to {@code ledger_exceptions}: the exceptions report
 * lists them. Written in the caller's transaction; one row per type and movement, however often it is found.
 */
@Component
public class LedgerExceptions {

    /** A charge succeeded on an order whose status the import had set to something not due (cancelled, pending). */
    public static final String CHARGED_ORDER_NOT_DUE = "CHARGED_ORDER_NOT_DUE";

    private static final Logger log = LoggerFactory.getLogger(LedgerExceptions.class);

    private final JdbcTemplate jdbc;

    public LedgerExceptions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Appends one exception; nothing when the same type was recorded for the same movement before. */
    public void add(LocalDate businessDate, String type, String attemptReference, String orderId, String tokenName, Money amount,
                    String detail) {
        int added = jdbc.update("""
                INSERT INTO ledger_exceptions (business_date, type, attempt_reference, order_id, token_name, amount_minor, currency, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (type, attempt_reference) DO NOTHING""",
                Date.valueOf(businessDate), type, attemptReference, orderId, tokenName,
                amount == null ? null : amount.minorUnits(), amount == null ? null : amount.currency().code(), detail);
        if (added > 0) {
            log.warn("Exception {} on {}: {}", type, attemptReference, detail);
        }
    }
}
