package dev.billing.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every order names a token in tokens, as the foreign key guaranteed before V17 replaced it with set-based checks:
 * whatever writes to the tables, the database refuses an order on an unknown token and a token's removal or renaming.
 */
@EngineTest
class OrderTokenIntegrityFunctionalTests {

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void reset() {
        Fixtures.resetEngineTables(jdbc);
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status)
                VALUES ('tok-1', 'C-1', 'c@example.com', '411111******1111', '12/30', now(), 'NEW'),
                       ('tok-2', 'C-1', 'c@example.com', '411111******1111', '12/30', now(), 'NEW')""");
    }

    private void order(String orderId, String token) {
        jdbc.update("INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status) VALUES (?, 'C-1', ?, 100, 'AED', 'SHIPPED')",
                orderId, token);
    }

    @Test
    void anOrderOnAnUnknownTokenIsRefusedWithTheRestOfItsStatement() {
        order("O-1", "tok-1");

        assertThatThrownBy(() -> jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                VALUES ('O-2', 'C-1', 'tok-1', 100, 'AED', 'SHIPPED'), ('O-3', 'C-1', 'tok-none', 100, 'AED', 'SHIPPED')"""))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("not in tokens");
        assertThat(jdbc.queryForList("SELECT order_id FROM orders", String.class)).containsExactly("O-1");
    }

    @Test
    void anOrderCanMoveToAKnownTokenOnly() {
        order("O-1", "tok-1");

        jdbc.update("UPDATE orders SET token_name = 'tok-2' WHERE order_id = 'O-1'");
        assertThatThrownBy(() -> jdbc.update("UPDATE orders SET token_name = 'tok-none' WHERE order_id = 'O-1'"))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("not in tokens");
        jdbc.update("UPDATE orders SET status = 'PAID' WHERE order_id = 'O-1'");
        assertThat(jdbc.queryForObject("SELECT token_name || ' ' || status FROM orders", String.class)).isEqualTo("tok-2 PAID");
    }

    @Test
    void tokensAreNeverDeletedNorRenamed() {
        order("O-1", "tok-1");

        assertThatThrownBy(() -> jdbc.update("DELETE FROM tokens WHERE token_name = 'tok-1'"))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("never deleted");
        assertThatThrownBy(() -> jdbc.update("UPDATE tokens SET token_name = 'tok-9' WHERE token_name = 'tok-1'"))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("never deleted or renamed");
        jdbc.update("UPDATE tokens SET status = 'VERIFIED' WHERE token_name = 'tok-1'");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tokens", Long.class)).isEqualTo(2);
    }
}
