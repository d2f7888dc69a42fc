package dev.billing.simulator;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The simulator's records, in the schema {@code aps_simulator} of the database it runs on, so that it remembers
 * across engine restarts like a real gateway. Its own connections commit asynchronously: a record survives the
 * engine being killed (PostgreSQL is another process), only not a crash of PostgreSQL itself.
 */
public class SimulatorStore implements AutoCloseable {

    public static final String SCHEMA = "aps_simulator";

    private final DataSource dataSource;
    private final boolean ownsDataSource;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    /** A store on this data source; {@code ownsDataSource}: close the data source when the store is closed. */
    public SimulatorStore(DataSource dataSource, boolean ownsDataSource) {
        this.dataSource = dataSource;
        this.ownsDataSource = ownsDataSource;
        Flyway.configure().dataSource(dataSource).schemas(SCHEMA).locations("classpath:sql/simulator").load().migrate();
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    /** One order (a PURCHASE or an AUTHORIZATION) as the simulator keeps it. */
    public record Order(String merchantIdentifier, String merchantReference, String fortId, String command, String tokenName,
                        long amount, String currency, String responseCode, String acquirerResponseCode, String authorizationCode,
                        long authorizedAmount, long capturedAmount, long refundedAmount, boolean voided,
                        String lastCode, String lastMessage) {
    }

    private static final RowMapper<Order> ORDER = (rs, n) -> new Order(rs.getString("merchant_identifier"),
            rs.getString("merchant_reference"), rs.getString("fort_id"), rs.getString("command"), rs.getString("token_name"),
            rs.getLong("amount"), rs.getString("currency"), rs.getString("response_code"), rs.getString("acquirer_response_code"),
            rs.getString("authorization_code"), rs.getLong("authorized_amount"), rs.getLong("captured_amount"),
            rs.getLong("refunded_amount"), rs.getBoolean("voided"), rs.getString("last_code"), rs.getString("last_message"));

    /** A new order waiting for the writer. */
    @SuppressWarnings("ArrayRecordComponent") // never compared: a row of values on its way to one batch insert
    private record NewOrder(Object[] values, CompletableFuture<Inserted> result) {
        String reference() {
            return (String) values[1];
        }

        String tokenName() {
            return (String) values[3];
        }
    }

    /**
     * What became of a new order: its {@code fort_id} (empty when the merchant reference existed already, and nothing
     * was changed), and whether it was refused because its token is INACTIVE (recorded as a failure, nothing taken).
     */
    public record Inserted(Optional<String> fortId, boolean tokenInactive) {
    }

    /** The code an order on an INACTIVE token is refused with: APS documents none of its own, 044 is the nearest. */
    public static final String INACTIVE_TOKEN_MESSAGE = "044";

    /**
     * Records a new order. A charge on a token set INACTIVE is recorded as refused ({@link #INACTIVE_TOKEN_MESSAGE},
     * nothing authorized or captured) whatever the caller meant to record.
     *
     * <p>New orders from all request threads go through one writer that inserts whatever has queued up as one
     * statement: a gateway's group commit. The caller gets its answer once that statement has committed.
     */
    public Inserted insertOrder(String merchant, String reference, String command, String tokenName, String email,
                                        long amount, String currency, String responseCode, String responseMessage,
                                        String acquirerCode, String authorizationCode, long authorized, long captured,
                                        String lastCode, String lastMessage, String agreementId) {
        NewOrder pending = new NewOrder(new Object[] {merchant, reference, command, tokenName, email, amount, currency,
            responseCode, responseMessage, acquirerCode, authorizationCode, authorized, captured, lastCode, lastMessage, agreementId},
                new CompletableFuture<>());
        startWriter();
        if (!queue.offer(pending)) {
            throw new IllegalStateException("the simulator's writer is overloaded");
        }
        try {
            return pending.result().get(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording an order", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not record an order: " + e.getMessage(), e);
        }
    }

    private final BlockingQueue<NewOrder> queue = new LinkedBlockingQueue<>(100_000);
    private volatile Thread writer;

    private synchronized void startWriter() {
        if (writer == null) {
            writer = new Thread(this::writeLoop, "aps-simulator-writer");
            writer.setDaemon(true);
            writer.start();
        }
    }

    private void writeLoop() {
        List<NewOrder> batch = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, 499);
            try {
                insertBatch(batch);
            } catch (RuntimeException e) {
                batch.forEach(p -> p.result().completeExceptionally(e));
            }
            batch.clear();
        }
    }

    private static final String[] COLUMN_TYPES = {"text", "text", "text", "text", "text", "int8", "text", "text", "text", "text",
        "text", "int8", "int8", "text", "text", "text"};

    private void insertBatch(List<NewOrder> batch) {
        Set<String> inactive = inactiveTokens((String) batch.get(0).values()[0],
                batch.stream().map(NewOrder::tokenName).distinct().toArray(String[]::new));
        for (NewOrder order : batch) {
            if (inactive.contains(order.tokenName())) {
                refuseForInactiveToken(order.values());
            }
        }
        Object[][] columns = new Object[COLUMN_TYPES.length][batch.size()];
        for (int row = 0; row < batch.size(); row++) {
            for (int col = 0; col < COLUMN_TYPES.length; col++) {
                columns[col][row] = batch.get(row).values()[col];
            }
        }
        Map<String, String> inserted = new HashMap<>();
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            StringBuilder unnest = new StringBuilder();
            for (int col = 0; col < COLUMN_TYPES.length; col++) {
                unnest.append(col == 0 ? "" : ", ").append("?::").append(COLUMN_TYPES[col]).append("[]");
            }
            try (PreparedStatement ps = connection.prepareStatement("""
                    INSERT INTO aps_simulator.orders (merchant_identifier, merchant_reference, command, token_name,
                        customer_email, amount, currency, response_code, response_message, acquirer_response_code,
                        authorization_code, authorized_amount, captured_amount, last_code, last_message, agreement_id, fort_id)
                    SELECT *, (169000000000000000 + nextval('aps_simulator.fort_id_seq'))::text FROM unnest(""" + unnest + """
                    ) ON CONFLICT (merchant_identifier, merchant_reference) DO NOTHING
                    RETURNING merchant_reference, fort_id""")) {
                for (int col = 0; col < COLUMN_TYPES.length; col++) {
                    Object[] values = COLUMN_TYPES[col].equals("int8")
                            ? java.util.Arrays.stream(columns[col]).map(v -> (Long) v).toArray(Long[]::new) : columns[col];
                    ps.setArray(col + 1, connection.createArrayOf(COLUMN_TYPES[col].equals("int8") ? "int8" : "text", values));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        inserted.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return null;
        });
        for (NewOrder pending : batch) {
            // Of two new orders with one reference in a batch, only the first is inserted; the second is a duplicate.
            pending.result().complete(new Inserted(Optional.ofNullable(inserted.remove(pending.reference())),
                    inactive.contains(pending.tokenName())));
        }
    }

    /** Rewrites a new order's values as a refusal: failure status, the inactive-token code, nothing taken. */
    private static void refuseForInactiveToken(Object[] values) {
        String code = (values[2].equals("PURCHASE") ? "13" : "03") + INACTIVE_TOKEN_MESSAGE;
        values[7] = code;
        values[8] = "Token name does not exist";
        values[9] = null;
        values[10] = null;
        values[11] = 0L;
        values[12] = 0L;
        values[13] = code;
        values[14] = values[8];
    }

    /** Of these tokens, the ones set INACTIVE (all merchants' orders in a batch are one simulator's: one merchant). */
    private Set<String> inactiveTokens(String merchant, String[] tokens) {
        return new HashSet<>(jdbc.queryForList("""
                SELECT token_name FROM aps_simulator.token_status
                WHERE merchant_identifier = ? AND token_name = ANY (?) AND token_status = 'INACTIVE'""", String.class, merchant, tokens));
    }

    /**
     * An {@code UPDATE_TOKEN}: sets the token's status and records the request. A merchant reference used before is
     * answered with what it was answered then, and changes nothing. Returns the response code.
     */
    public String updateToken(String merchant, String reference, String tokenName, String tokenStatus, String responseCode) {
        return tx.execute(status -> {
            List<String> earlier = jdbc.queryForList("""
                    INSERT INTO aps_simulator.token_updates (merchant_identifier, merchant_reference, token_name, token_status, response_code)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING response_code""", String.class,
                    merchant, reference, tokenName, tokenStatus, responseCode);
            if (earlier.isEmpty()) {
                return jdbc.queryForObject("""
                        SELECT response_code FROM aps_simulator.token_updates WHERE merchant_identifier = ? AND merchant_reference = ?""",
                        String.class, merchant, reference);
            }
            if (responseCode.startsWith("58")) {
                jdbc.update("""
                        INSERT INTO aps_simulator.token_status (merchant_identifier, token_name, token_status) VALUES (?, ?, ?)
                        ON CONFLICT (merchant_identifier, token_name) DO UPDATE SET token_status = excluded.token_status, updated_at = now()""",
                        merchant, tokenName, tokenStatus);
            }
            return responseCode;
        });
    }

    /** The token's status at the gateway: ACTIVE unless an UPDATE_TOKEN set it INACTIVE. */
    public String tokenStatus(String merchant, String tokenName) {
        return jdbc.queryForList("SELECT token_status FROM aps_simulator.token_status WHERE merchant_identifier = ? AND token_name = ?",
                String.class, merchant, tokenName).stream().findFirst().orElse("ACTIVE");
    }

    public Optional<Order> find(String merchant, String reference) {
        return jdbc.query("SELECT * FROM aps_simulator.orders WHERE merchant_identifier = ? AND merchant_reference = ?",
                ORDER, merchant, reference).stream().findFirst();
    }

    /** The outcome of a maintenance operation: its response code, and the order after it (null when not found). */
    public record Maintenance(String responseCode, Order order) {
    }

    /**
     * A refund of part or all of what was captured; at most the captured amount is ever refunded. The maintenance
     * reference is claimed first, by its primary key (a duplicate is 00066 whatever its amount), then the order's
     * refunded amount raised only if the currency is the order's and what is left covers it: two statements when it is
     * refunded; when not, the claim is rolled back and the order, locked, tells why.
     */
    public Maintenance refund(String merchant, String reference, String maintenanceReference, long amount, String currency) {
        return tx.execute(status -> {
            String mref = maintenanceReference != null ? maintenanceReference : reference + "-R" + System.nanoTime();
            int claimed = jdbc.update("""
                    INSERT INTO aps_simulator.maintenance (merchant_identifier, maintenance_reference, merchant_reference,
                        command, amount, currency, fort_id, response_code)
                    SELECT ?, ?, ?, 'REFUND', ?, ?, o.fort_id, '06000' FROM aps_simulator.orders o
                    WHERE o.merchant_identifier = ? AND o.merchant_reference = ?
                    ON CONFLICT (merchant_identifier, maintenance_reference) DO NOTHING""",
                    merchant, mref, reference, amount, currency, merchant, reference);
            if (claimed > 0) {
                List<Order> refunded = jdbc.query("""
                        UPDATE aps_simulator.orders SET refunded_amount = refunded_amount + ?, last_code = '06000',
                            last_message = 'Success', updated_at = now()
                        WHERE merchant_identifier = ? AND merchant_reference = ? AND currency = ?
                          AND captured_amount - refunded_amount >= ?
                        RETURNING *""", ORDER, amount, merchant, reference, currency, amount);
                if (!refunded.isEmpty()) {
                    return new Maintenance("06000", refunded.get(0));
                }
                status.setRollbackOnly();
            }
            Optional<Order> found = lockOrder(merchant, reference);
            if (found.isEmpty()) {
                return new Maintenance("00036", null);
            }
            Order order = found.get();
            if (!order.currency().equals(currency)) {
                return new Maintenance("00013", order);
            }
            return new Maintenance(claimed == 0 ? "00066" : "07048", order);
        });
    }

    /** Voids an authorization that was neither captured nor voided before. */
    public Maintenance voidAuthorization(String merchant, String reference) {
        return tx.execute(status -> {
            Optional<Order> found = lockOrder(merchant, reference);
            if (found.isEmpty()) {
                return new Maintenance("00036", null);
            }
            Order order = found.get();
            if (!order.command().equals("AUTHORIZATION") || !order.responseCode().equals("02000")
                    || order.voided() || order.capturedAmount() > 0) {
                return new Maintenance("09047", order);
            }
            jdbc.update("""
                    UPDATE aps_simulator.orders SET voided = TRUE, last_code = '08000', last_message = 'Success', updated_at = now()
                    WHERE merchant_identifier = ? AND merchant_reference = ?""", merchant, reference);
            return new Maintenance("08000", find(merchant, reference).orElseThrow());
        });
    }

    private Optional<Order> lockOrder(String merchant, String reference) {
        return jdbc.query("SELECT * FROM aps_simulator.orders WHERE merchant_identifier = ? AND merchant_reference = ? FOR UPDATE",
                ORDER, merchant, reference).stream().findFirst();
    }

    @Override
    public void close() {
        Thread running = writer;
        if (running != null) {
            running.interrupt();
        }
        if (ownsDataSource && dataSource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing a connection pool at shutdown; nothing else to do
            }
        }
    }


    /**
     * Streams the merchant's transactions made in {@code [from, to)}, oldest first, at most {@code limit}: each order
     * (PURCHASE or AUTHORIZATION) and each maintenance operation (REFUND, VOID_AUTHORIZATION) as the reporting API's
     * columns: merchant_reference, fort_id, operation, amount (minor units), currency, status, response_code,
     * transaction_date. What the simulator's Reporting API serves. No index of the time is kept for it (a scan once a
     * night): an index led by the merchant would be a plan the order and refund lookups by their keys could take.
     */
    public void forEachTransaction(String merchant, java.time.Instant from, java.time.Instant to, int limit,
                                   java.util.function.Consumer<Map<String, String>> each) {
        JdbcTemplate streaming = new JdbcTemplate(dataSource);
        streaming.setFetchSize(1000);
        tx.executeWithoutResult(status -> streaming.query("""
                SELECT merchant_reference, fort_id, operation, amount, currency, response_code, at FROM (
                    SELECT merchant_reference, fort_id, command AS operation, amount, currency, response_code, created_at AS at
                    FROM aps_simulator.orders WHERE merchant_identifier = ? AND created_at >= ? AND created_at < ?
                    UNION ALL
                    SELECT merchant_reference, fort_id, command, amount, currency, response_code, created_at
                    FROM aps_simulator.maintenance WHERE merchant_identifier = ? AND created_at >= ? AND created_at < ?) t
                ORDER BY at, merchant_reference LIMIT ?""", rs -> {
                    Map<String, String> row = new java.util.LinkedHashMap<>();
                    row.put("merchant_reference", rs.getString(1));
                    row.put("fort_id", rs.getString(2));
                    row.put("operation", rs.getString(3));
                    row.put("amount", Long.toString(rs.getLong(4)));
                    row.put("currency", rs.getString(5));
                    row.put("status", rs.getString(6).substring(0, 2));
                    row.put("response_code", rs.getString(6));
                    row.put("transaction_date", rs.getTimestamp(7).toInstant().toString());
                    each.accept(row);
                }, merchant, java.sql.Timestamp.from(from), java.sql.Timestamp.from(to), merchant, java.sql.Timestamp.from(from),
                java.sql.Timestamp.from(to), limit));
    }
}
