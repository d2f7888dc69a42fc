package dev.billing.verification;

import org.springframework.jdbc.core.JdbcTemplate;

/** Questions about tokens and about what the simulator holds of verifications. */
final class VerificationFixtures {

    private final JdbcTemplate jdbc;

    VerificationFixtures(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void reset() {
        dev.billing.TestDatabase.reset(jdbc);
        jdbc.execute("TRUNCATE aps_simulator.orders, aps_simulator.maintenance");
    }

    void token(String name) {
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status)
                VALUES (?, 'C', 'c@example.com', '400555******0001', '05/29', now(), 'NEW')""", name);
    }

    void manyTokens(int count) {
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status)
                SELECT 'new-' || i, 'C' || i, 'c' || i || '@example.com', '400555******0001', '05/29', now(), 'NEW'
                FROM generate_series(1, ?) AS i""", count);
    }

    String status(String token) {
        return jdbc.queryForObject("SELECT status FROM tokens WHERE token_name = ?", String.class, token);
    }

    /** Verification charges the gateway took whose money it has not given back in full. */
    long takenNotGivenBack() {
        return jdbc.queryForObject("""
                SELECT count(*) FROM aps_simulator.orders WHERE merchant_reference LIKE 'V%'
                  AND ((command = 'PURCHASE' AND captured_amount > refunded_amount) OR (command = 'AUTHORIZATION' AND authorized_amount > 0 AND NOT voided))""",
                Long.class);
    }

    /** Verification charges given back more than once, or more than taken. */
    long givenBackTwice() {
        return jdbc.queryForObject("""
                SELECT count(*) FROM aps_simulator.orders o WHERE merchant_reference LIKE 'V%' AND (refunded_amount > captured_amount
                   OR (SELECT count(*) FROM aps_simulator.maintenance m WHERE m.merchant_reference = o.merchant_reference
                       AND m.response_code = '06000') > 1)""", Long.class);
    }

    /** Successful micro-charges (or authorizations) at the gateway per token. */
    long gatewaySuccessesFor(String token) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM aps_simulator.orders WHERE token_name = ? AND merchant_reference LIKE 'V%'
                  AND response_code IN ('14000', '02000')""", Long.class, token);
    }

    long openVerifications() {
        return jdbc.queryForObject("""
                SELECT count(*) FROM payment_attempts WHERE kind LIKE 'VERIFICATION%' AND state IN ('PREPARED', 'UNKNOWN')""", Long.class);
    }
}
