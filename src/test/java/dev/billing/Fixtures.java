package dev.billing;

import dev.billing.cli.Cli;
import dev.billing.gateway.GatewayProperties;
import dev.billing.simulator.SimulatorStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The one place tests make tokens and orders and ask what the ledger and the simulator hold. Tests that ask about
 * the simulator inject the (lazy) {@code ApsClient}, which starts the in-process simulator and so creates its schema.
 */
public final class Fixtures {

    static {
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    }

    /** A merchant's APS credentials for simulators started by tests. */
    public static final GatewayProperties TEST_MERCHANT = new GatewayProperties(null, "TestAccess0123456789", "MerchX01",
            "reqPhrase$2025", "respPhrase#2025", "SHA-256", "en", Duration.ofSeconds(5), Duration.ofSeconds(2), 32, 0, null, null);

    private final JdbcTemplate jdbc;

    public Fixtures(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The command line, in this JVM with the test profile, printing into {@code out} and {@code err}. */
    public static Cli cli(ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("spring.profiles.active", "test"));
    }

    /** A command's arguments followed by settings. */
    public static String[] concat(String[] args, String... settings) {
        String[] all = new String[args.length + settings.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(settings, 0, all, args.length, settings.length);
        return all;
    }

    /** Empties the engine's tables and the job repository (not the simulator's records). */
    public static void resetEngineTables(JdbcTemplate jdbc) {
        jdbc.execute("""
                TRUNCATE notices, notice_customers, order_token_moves, enrolments, event_deliveries, outbox, refund_requests, running_jobs, job_handovers, int_channel_message, gateway_budget_nodes, sign_in_failures, charge_holds, payment_attempts, aps_notifications, orders, tokens, import_rejects, import_keys, ledger_exceptions,
                         batch_step_execution_context, batch_job_execution_context, batch_step_execution,
                         batch_job_execution_params, batch_job_execution, batch_job_instance""");
    }

    /** Empties the engine's tables and, when the simulator has its schema, the simulator's records. */
    public void reset() {
        resetEngineTables(jdbc);
        if (Boolean.TRUE.equals(jdbc.queryForObject("SELECT to_regclass('aps_simulator.orders') IS NOT NULL", Boolean.class))) {
            clearSimulator();
        }
    }

    // ---- tokens and orders

    /** A NEW token, as created in a distinct step. */
    public void token(String name) {
        token(name, "NEW");
    }

    /** A token with the customer's agreement ({@code AGR-<name>}), as a merchant-initiated charge needs. */
    public void token(String name, String status) {
        token(name, status, "AGR-" + name);
    }

    /** A token with the given agreement; null: the merchant gave none. */
    public void token(String name, String status, String agreementId) {
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                VALUES (?, 'C-' || ?, 'c@example.com', '400555******0001', '05/29', now(), ?, ?)""", name, name, status, agreementId);
    }

    /** NEW tokens {@code new-1} to {@code new-<count>}. */
    public void manyTokens(int count) {
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT 'new-' || i, 'C' || i, 'c' || i || '@example.com', '400555******0001', '05/29', now(), 'NEW', 'AGR-new-' || i
                FROM generate_series(1, ?) AS i""", count);
    }

    public void order(String id, String token, long minor, String currency, String status, LocalDate chargeOn) {
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status, charge_on)
                VALUES (?, 'C', ?, ?, ?, ?, ?)""", id, token, minor, currency, status, chargeOn == null ? null : java.sql.Date.valueOf(chargeOn));
    }

    /** Many SHIPPED orders ({@code M-1} ...) on a few VERIFIED tokens ({@code good-1} ...), in three currencies. */
    public void manyOrders(int count, int tokens) {
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT 'good-' || i, 'C' || i, 'c' || i || '@example.com', '400555******0001', '05/29', now(), 'VERIFIED', 'AGR-good-' || i
                FROM generate_series(1, ?) AS i""", tokens);
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                SELECT 'M-' || i, 'C', 'good-' || (i % ? + 1), 100 + (i * 37) % 9000, (ARRAY['AED', 'KWD', 'JPY'])[i % 3 + 1], 'SHIPPED'
                FROM generate_series(1, ?) AS i""", tokens, count);
    }

    public String orderStatus(String id) {
        return jdbc.queryForObject("SELECT status FROM orders WHERE order_id = ?", String.class, id);
    }

    public String tokenStatus(String token) {
        return jdbc.queryForObject("SELECT status FROM tokens WHERE token_name = ?", String.class, token);
    }

    // ---- the ledger

    /** Ledger rows whose outcome only the gateway can tell (PREPARED or UNKNOWN). */
    public long unresolved() {
        return jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE state IN ('PREPARED', 'UNKNOWN')", Long.class);
    }

    public long openVerifications() {
        return jdbc.queryForObject("""
                SELECT count(*) FROM payment_attempts WHERE kind LIKE 'VERIFICATION%' AND state IN ('PREPARED', 'UNKNOWN')""", Long.class);
    }

    // ---- the simulator's records

    /** Forgets everything the simulator holds. */
    public void clearSimulator() {
        jdbc.execute("TRUNCATE aps_simulator.orders, aps_simulator.maintenance, aps_simulator.token_status, aps_simulator.token_updates");
    }

    /** Everything the simulator holds for a merchant, by merchant reference. */
    public List<SimulatorStore.Order> simulatorOrders(String merchant) {
        return jdbc.query("SELECT * FROM aps_simulator.orders WHERE merchant_identifier = ? ORDER BY merchant_reference",
                (rs, n) -> new SimulatorStore.Order(rs.getString("merchant_identifier"), rs.getString("merchant_reference"),
                        rs.getString("fort_id"), rs.getString("command"), rs.getString("token_name"), rs.getLong("amount"),
                        rs.getString("currency"), rs.getString("response_code"), rs.getString("acquirer_response_code"),
                        rs.getString("authorization_code"), rs.getLong("authorized_amount"), rs.getLong("captured_amount"),
                        rs.getLong("refunded_amount"), rs.getBoolean("voided"), rs.getString("last_code"), rs.getString("last_message")),
                merchant);
    }

    /** Successful charges the simulator holds per order id (its merchant references are CH-<order>-<n>). */
    public Map<String, Long> gatewaySuccessesPerOrder() {
        Map<String, Long> result = new HashMap<>();
        jdbc.query("""
                SELECT substring(merchant_reference FROM '^CH-(.*)-[0-9]+$'), count(*) FROM aps_simulator.orders
                WHERE command = 'PURCHASE' AND captured_amount > 0 GROUP BY 1""",
                rs -> {
                    result.put(rs.getString(1), rs.getLong(2));
                });
        return result;
    }

    public long gatewayRequestsFor(String orderId) {
        return jdbc.queryForObject("SELECT count(*) FROM aps_simulator.orders WHERE merchant_reference LIKE ?", Long.class,
                "CH-" + orderId + "-%");
    }

    /** Per currency, the sum the simulator captured and the sum of SUCCEEDED charges in the ledger, where they differ. */
    public List<String> totalsMismatch() {
        return jdbc.queryForList("""
                WITH gw AS (SELECT currency, sum(captured_amount) AS total FROM aps_simulator.orders
                            WHERE merchant_reference LIKE 'CH-%' GROUP BY currency),
                     ledger AS (SELECT currency, sum(amount_minor) AS total FROM payment_attempts
                                WHERE kind = 'CHARGE' AND state = 'SUCCEEDED' GROUP BY currency)
                SELECT coalesce(gw.currency, ledger.currency) || ': gateway ' || coalesce(gw.total, 0) || ', ledger ' || coalesce(ledger.total, 0)
                FROM gw FULL JOIN ledger ON gw.currency = ledger.currency
                WHERE coalesce(gw.total, 0) <> coalesce(ledger.total, 0)""", String.class);
    }

    /** Verification charges the gateway took whose money it has not given back in full. */
    public long takenNotGivenBack() {
        return jdbc.queryForObject("""
                SELECT count(*) FROM aps_simulator.orders WHERE merchant_reference LIKE 'V%'
                  AND ((command = 'PURCHASE' AND captured_amount > refunded_amount) OR (command = 'AUTHORIZATION' AND authorized_amount > 0 AND NOT voided))""",
                Long.class);
    }

    /** Verification charges given back more than once, or more than taken. */
    public long givenBackTwice() {
        return jdbc.queryForObject("""
                SELECT count(*) FROM aps_simulator.orders o WHERE merchant_reference LIKE 'V%' AND (refunded_amount > captured_amount
                   OR (SELECT count(*) FROM aps_simulator.maintenance m WHERE m.merchant_reference = o.merchant_reference
                       AND m.response_code = '06000') > 1)""", Long.class);
    }

    /** The UPDATE_TOKEN requests the gateway carried out that set this token INACTIVE (a repeated reference is one). */
    public long gatewayDeactivations(String token) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM aps_simulator.token_updates WHERE token_name = ? AND token_status = 'INACTIVE'
                  AND response_code = '58000'""", Long.class, token);
    }

    /** The token's status at the gateway: ACTIVE unless an UPDATE_TOKEN set it otherwise. */
    public String gatewayTokenStatus(String token) {
        return jdbc.queryForList("SELECT token_status FROM aps_simulator.token_status WHERE token_name = ?", String.class, token)
                .stream().findFirst().orElse("ACTIVE");
    }

    /** Successful micro-charges (or authorizations) at the gateway per token. */
    public long gatewaySuccessesFor(String token) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM aps_simulator.orders WHERE token_name = ? AND merchant_reference LIKE 'V%'
                  AND response_code IN ('14000', '02000')""", Long.class, token);
    }
}
