package dev.billing.importing;

import dev.billing.database.CopyIn;
import dev.billing.gateway.GatewayAccounts;
import dev.billing.ledger.AttemptQueries;
import dev.billing.ledger.OrderStatus;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import dev.billing.support.EngineThreads;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Inserts new orders and updates unpaid ones. The rows of the chunk's orders are locked while it is decided
 * what may change, so a concurrent charge cannot slip in between.
 *
 * <ul>
 *   <li>an unknown token is a rejected row;</li>
 *   <li>a charged order (PAID, or refunded since) keeps its state; changing its amount, currency or token is a rejected row;</li>
 *   <li>an order with a charge in flight (not yet resolved with the gateway) cannot change at all;</li>
 *   <li>a PAYMENT_FAILED order whose amount, currency or token changes is opened again with the file's status
 *       and a fresh retry count; one whose row is the same stays failed.</li>
 * </ul>
 */
class OrderImportWriter extends ImportWriter<OrderRecord> {

    /** Below this many new orders in a chunk, a second connection costs more than it saves. */
    static final int SHARED_INSERT_MIN = 2_000;

    private final TransactionTemplate sideTransaction;
    private final AttemptQueries ledger;
    private final EngineThreads threads;
    private ExecutorService side;

    OrderImportWriter(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, AttemptQueries ledger, Path file,
                      EngineThreads threads, GatewayAccounts accounts) {
        super(jdbc, ImportFileKind.ORDERS, file);
        this.accounts = accounts;
        this.ledger = ledger;
        this.threads = threads;
        this.sideTransaction = new TransactionTemplate(transactionManager);
        this.sideTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        if (side != null) {
            side.shutdownNow();
            side = null;
        }
        return super.afterStep(stepExecution);
    }

    /**
     * A stored order, whether a charge of it is in flight, which import and line last wrote it, and the tokens its
     * customer replaced for it through card-update links.
     */
    private record Stored(OrderRecord order, boolean chargeInFlight, long importJobInstance, long importLine, Set<String> movedFrom)
            implements WrittenBy {
    }

    /** An order to write, with the line of the file it comes from. */
    private record Written(OrderRecord order, long line) {
    }

    /**
     * Tokens known to exist, with their account: a token is never deleted and never changes account, so once seen it
     * need not be asked for again.
     */
    private final Map<String, String> knownTokens = new HashMap<>();
    private final GatewayAccounts accounts;

    @Override
    protected String key(OrderRecord value) {
        return value.orderId();
    }

    @Override
    protected Outcome apply(List<ImportRow<OrderRecord>> accepted, List<ImportRow<OrderRecord>> rejected, FileKeys keys) {
        Outcome outcome = new Outcome();
        if (accepted.isEmpty()) {
            return outcome;
        }
        lookUpTokens(accepted);
        Map<String, Stored> current = existing(accepted);
        keys.recall(current);
        long instance = jobInstanceId();
        List<Written> inserts = new ArrayList<>();
        List<Written> updates = new ArrayList<>();
        for (ImportRow<OrderRecord> row : accepted) {
            OrderRecord incoming = row.value();
            if (!knownTokens.containsKey(incoming.tokenName())) {
                rejected.add(row.reject("token_name '" + incoming.tokenName() + "' is not a known token; import it with --tokens first"));
                continue;
            }
            Stored before = current.get(incoming.orderId());
            if (before != null && before.movedFrom().contains(incoming.tokenName())) {
                // the merchant's file still names the card the customer replaced: the order stays on the new one
                incoming = new OrderRecord(incoming.orderId(), incoming.customerId(), before.order().tokenName(), incoming.amount(),
                        incoming.status(), incoming.chargeOn());
            }
            String account = accountOf(incoming.tokenName());
            String currencyRefusal = account == null ? null : accounts.refusal(account, incoming.amount().currency().code());
            if (currencyRefusal != null) {
                rejected.add(row.reject("currency " + incoming.amount().currency().code() + " cannot be charged on token "
                        + incoming.tokenName() + ": " + currencyRefusal));
                continue;
            }
            if (before != null && before.importJobInstance() == instance && before.importLine() == row.lineNumber()) {
                // this very line was inserted by the side half of an earlier try of this chunk (see insert), which
                // committed before the try failed: it is loaded, and counted now, since the try's counts were not
                outcome.inserted++;
                continue;
            }
            String refusal = before == null ? null : refusal(before, incoming);
            if (refusal == null) {
                refusal = keys.claim(row);
            }
            if (refusal != null) {
                rejected.add(row.reject(refusal));
                continue;
            }
            if (before == null) {
                outcome.inserted++;
                inserts.add(new Written(incoming, row.lineNumber()));
            } else if (unchanged(before.order(), incoming)) {
                outcome.unchanged++;
                continue;
            } else {
                outcome.updated++;
                updates.add(new Written(incoming, row.lineNumber()));
            }
            keys.keptInRecord(incoming.orderId());
            current.put(incoming.orderId(), new Stored(incoming, false, instance, row.lineNumber(),
                    before == null ? Set.of() : before.movedFrom()));
        }
        insert(inserts, instance);
        update(updates, instance);
        return outcome;
    }

    private static String refusal(Stored before, OrderRecord incoming) {
        OrderRecord stored = before.order();
        OrderStatus was = OrderStatus.of(stored.status());
        OrderStatus is = OrderStatus.of(incoming.status());
        if (was.isCharged() && !sameCharge(stored, incoming)) {
            return "order " + incoming.orderId() + " was already charged (" + stored.amount() + " on token "
                    + stored.tokenName() + "); its amount, currency and token cannot change";
        }
        if (was.isCharged() && (is == OrderStatus.CANCELLED || is == OrderStatus.PENDING)) {
            return "order " + incoming.orderId() + " was already charged (" + stored.amount() + "); it cannot become "
                    + incoming.status() + ": a paid order is refunded, not cancelled";
        }
        if (before.chargeInFlight() && !unchanged(stored, incoming)) {
            return "order " + incoming.orderId() + " has a charge in flight (prepared or sent, not settled with the gateway"
                    + " yet); import this row again after the charge-orders run";
        }
        return null;
    }

    /** A PAID or PAYMENT_FAILED order is unchanged unless what would be charged changes. */
    private static boolean unchanged(OrderRecord stored, OrderRecord incoming) {
        OrderStatus was = OrderStatus.of(stored.status());
        if (was == OrderStatus.PAID || was == OrderStatus.PAYMENT_FAILED) {
            return sameCharge(stored, incoming);
        }
        return stored.equals(incoming);
    }

    private static boolean sameCharge(OrderRecord a, OrderRecord b) {
        return a.amount().equals(b.amount()) && a.tokenName().equals(b.tokenName());
    }

    private void lookUpTokens(List<ImportRow<OrderRecord>> rows) {
        String[] names = rows.stream().map(r -> r.value().tokenName()).filter(name -> !knownTokens.containsKey(name))
                .distinct().toArray(String[]::new);
        if (names.length > 0) {
            jdbc.query("SELECT token_name, account FROM tokens WHERE token_name = ANY (?)",
                    (org.springframework.jdbc.core.RowCallbackHandler) rs -> knownTokens.put(rs.getString(1), rs.getString(2)), (Object) names);
        }
    }

    /** The account of a token (null when there is no such token). */
    private String accountOf(String tokenName) {
        String account = knownTokens.get(tokenName);
        if (account == null) {
            jdbc.query("SELECT token_name, account FROM tokens WHERE token_name = ?",
                    (org.springframework.jdbc.core.RowCallbackHandler) rs -> knownTokens.put(rs.getString(1), rs.getString(2)), tokenName);
            account = knownTokens.get(tokenName);
        }
        return account;
    }

    /**
     * The stored orders of the chunk, locked for the rest of the chunk's transaction. The lock is the one charging
     * takes when it writes an attempt row ({@code FOR NO KEY UPDATE}, in id order on both sides so that neither waits
     * for the other in a cycle). Whether a charge is in flight is read by a second statement, after the lock is held:
     * under READ COMMITTED it sees a row committed by the charge that held the lock before us, which the locking
     * statement's own snapshot would not.
     */
    private Map<String, Stored> existing(List<ImportRow<OrderRecord>> rows) {
        String[] ids = rows.stream().map(r -> r.value().orderId()).distinct().toArray(String[]::new);
        List<String> stored = jdbc.queryForList("SELECT order_id FROM orders WHERE order_id = ANY (?) ORDER BY id FOR NO KEY UPDATE",
                String.class, (Object) ids);
        Map<String, Stored> found = new HashMap<>();
        if (stored.isEmpty()) {
            return found; // all new: the usual case of a night's file
        }
        Set<String> inFlight = ledger.chargesInFlight(stored);
        jdbc.query("""
                SELECT o.order_id, o.customer_id, o.token_name, o.amount_minor, o.currency, o.status, o.charge_on,
                       o.import_job_instance, o.import_line,
                       (SELECT array_agg(m.from_token) FROM order_token_moves m WHERE m.order_id = o.order_id)
                FROM orders o WHERE o.order_id = ANY (?)""",
                rs -> {
                    Date chargeOn = rs.getDate(7);
                    OrderRecord order = new OrderRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                            Money.ofMinor(rs.getLong(4), CurrencyUnit.require(rs.getString(5))), rs.getString(6),
                            chargeOn == null ? null : chargeOn.toLocalDate());
                    long instance = rs.getLong(8);
                    boolean noInstance = rs.wasNull();
                    java.sql.Array moved = rs.getArray(10);
                    found.put(order.orderId(), new Stored(order, inFlight.contains(order.orderId()), noInstance ? -1 : instance,
                            rs.getLong(9), moved == null ? Set.of() : new HashSet<>(java.util.Arrays.asList((String[]) moved.getArray()))));
                }, (Object) stored.toArray(String[]::new));
        return found;
    }

    private static final String COLUMNS = "order_id, customer_id, token_name, amount_minor, currency, status, charge_on, import_job_instance, import_line";

    private static Object[] values(Written w, long instance) {
        OrderRecord o = w.order();
        return new Object[] {o.orderId(), o.customerId(), o.tokenName(), o.amount().minorUnits(), o.amount().currency().code(),
            o.status(), o.chargeOn(), instance, w.line()};
    }

    /**
     * New orders go straight into {@code orders} by COPY, in the file's order. They were looked for under the chunk's
     * lock and one import runs at a time (the job is exclusive), so none can have appeared since.
     *
     * <p>A large chunk's new orders are copied in two halves at once: the first in the chunk's transaction, the second
     * in a transaction of its own on a second connection, so that PostgreSQL inserts on both cores. The second half
     * commits just before the chunk does. Should the chunk then fail (the process killed in between), its second half
     * stays loaded; each of its orders names this import and its own line, so the chunk's next try recognises them
     * as loaded by the very same line and counts them instead of copying them again.
     */
    private void insert(List<Written> orders, long instance) {
        if (orders.isEmpty()) {
            return;
        }
        if (orders.size() < SHARED_INSERT_MIN) {
            CopyIn.into(jdbc, "orders", COLUMNS, orders, w -> values(w, instance));
            return;
        }
        List<Written> first = orders.subList(0, orders.size() / 2);
        List<Written> second = orders.subList(orders.size() / 2, orders.size());
        if (side == null) {
            side = threads.pool("import-side-copy", 1);
        }
        Future<Long> sideCopy = side.submit(() -> sideTransaction.execute(
                status -> CopyIn.into(jdbc, "orders", COLUMNS, second, w -> values(w, instance))));
        try {
            CopyIn.into(jdbc, "orders", COLUMNS, first, w -> values(w, instance));
        } finally {
            awaitSide(sideCopy);
        }
    }

    private static void awaitSide(Future<Long> sideCopy) {
        try {
            sideCopy.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while copying orders", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("cannot copy orders: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Changed orders go to a staging table by COPY, then into {@code orders} by one set-based update. */
    private void update(List<Written> orders, long instance) {
        if (orders.isEmpty()) {
            return;
        }
        CopyIn.stage(jdbc, "import_orders_stage", """
                order_id TEXT, customer_id TEXT, token_name TEXT, amount_minor BIGINT, currency TEXT, status TEXT,
                charge_on DATE, import_job_instance BIGINT, import_line BIGINT""", COLUMNS, orders, w -> values(w, instance));
        jdbc.update("""
                UPDATE orders SET
                    customer_id = s.customer_id, token_name = s.token_name,
                    amount_minor = s.amount_minor, currency = s.currency,
                    status = s.status, charge_on = s.charge_on,
                    attempt_count = CASE WHEN orders.status = 'PAYMENT_FAILED' THEN 0 ELSE orders.attempt_count END,
                    soft_declines = CASE WHEN orders.status = 'PAYMENT_FAILED' THEN 0 ELSE orders.soft_declines END,
                    next_attempt_on = CASE WHEN orders.status = 'PAYMENT_FAILED' THEN NULL ELSE orders.next_attempt_on END,
                    failure_reason = CASE WHEN orders.status = 'PAYMENT_FAILED' THEN NULL ELSE orders.failure_reason END,
                    import_job_instance = s.import_job_instance, import_line = s.import_line,
                    updated_at = now()
                FROM import_orders_stage s
                WHERE orders.order_id = s.order_id AND orders.status NOT IN\s""" + OrderStatus.CHARGED_SQL);
    }
}
