package dev.billing.reconciliation;

import dev.billing.gateway.GatewayAccounts;
import dev.billing.ledger.Movement;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rows of {@code summary-<date>.csv}: count and amount per account, currency, kind and outcome (never summed across
 * accounts or currencies), then control rows that tie the night together, per currency:
 * <ul>
 *   <li>{@code CONTROL_ORDERS}: DUE = CHARGED + DECLINED + FAILED + UNKNOWN + HELD (orders charged or held that night);</li>
 *   <li>{@code CONTROL_VERIFICATION}: CHARGED = GIVEN_BACK + OWED (verification charges that succeeded that night);</li>
 *   <li>{@code CONTROL_LEDGER}: NET = successful charges + successful verification charges - successful refunds.</li>
 * </ul>
 * Movements sent to the built-in simulator are also counted, per currency, in a {@code SIMULATED} row (outcome
 * {@code MOVEMENTS}): no money moved for them, whatever their outcome says.
 * A token deactivation moves no money: it has its own rows (currency {@code XXX}, amount 0) and is in no control row.
 * Pure: fed the night's movements, which verification charges were given back, which movement is the first charge
 * of its order that night, and the orders held and not charged that night. Each order is counted once, by the caller's
 * say-so, so nothing here grows with the number of orders (a night of millions streams through in flat memory).
 */
public final class SummaryBuilder {

    /** One line of the summary. */
    public record Row(String currency, String kind, String outcome, long count, long amountMinor, String account) {

        /** A row of the default account. */
        public Row(String currency, String kind, String outcome, long count, long amountMinor) {
            this(currency, kind, outcome, count, amountMinor, GatewayAccounts.DEFAULT);
        }

        public String[] toCsv() {
            return new String[] {currency, kind, outcome, Long.toString(count), Money.ofMinor(amountMinor, CurrencyUnit.require(currency)).toPlainString()};
        }
    }

    /** An order due that night that was not charged: its amount, and its token's account. */
    public record Held(long amountMinor, String currency, String account) {

        /** An order of the default account. */
        public Held(long amountMinor, String currency) {
            this(amountMinor, currency, GatewayAccounts.DEFAULT);
        }
    }

    private final Map<String, long[]> byKey = new TreeMap<>();
    private final Map<String, Map<String, long[]>> orders = new TreeMap<>();
    private final Map<String, Map<String, long[]>> verification = new TreeMap<>();
    private final Map<String, long[]> net = new TreeMap<>();
    private final Map<String, long[]> simulated = new TreeMap<>();

    /**
     * Counts a movement: in its kind and outcome, in the ledger's net and, for the first charge of an order that night,
     * in the order control rows under that charge's outcome.
     */
    public void add(Movement m, boolean verificationGivenBack, boolean firstChargeOfOrder) {
        String book = book(m.account(), m.currency());
        add(byKey, book + "\u0000" + m.kind() + "\u0000" + m.outcome(), m.amountMinor());
        if (m.isCharge() && firstChargeOfOrder) {
            String bucket = switch (m.outcome()) {
                case "SUCCESS" -> "CHARGED";
                default -> m.outcome();
            };
            add(orders.computeIfAbsent(book, c -> new HashMap<>()), bucket, m.amountMinor());
        }
        if (m.isVerificationCharge() && m.outcome().equals("SUCCESS")) {
            Map<String, long[]> v = verification.computeIfAbsent(book, c -> new HashMap<>());
            add(v, "CHARGED", m.amountMinor());
            add(v, verificationGivenBack ? "GIVEN_BACK" : "OWED", m.amountMinor());
        }
        if (m.outcome().equals("SUCCESS") && m.attemptKind().movesMoney()) {
            add(net, book, m.attemptKind().netAmount(m.amountMinor()));
        }
        if (m.simulated()) {
            add(simulated, book, m.amountMinor());
        }
    }

    /** Counts an order held that night and not charged that night. */
    public void held(Held held) {
        add(orders.computeIfAbsent(book(held.account(), held.currency()), c -> new HashMap<>()), "HELD", held.amountMinor());
    }

    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        byKey.forEach((key, v) -> {
            String[] parts = key.split("\u0000", -1);
            rows.add(row(parts[0], parts[1], parts[2], v));
        });
        orders.forEach((book, buckets) -> {
            long count = 0, amount = 0;
            for (long[] v : buckets.values()) {
                count = Math.addExact(count, v[0]);
                amount = Math.addExact(amount, v[1]);
            }
            rows.add(row(book, "CONTROL_ORDERS", "DUE", new long[] {count, amount}));
            for (String bucket : List.of("CHARGED", "DECLINED", "FAILED", "UNKNOWN", "HELD")) {
                rows.add(row(book, "CONTROL_ORDERS", bucket, buckets.getOrDefault(bucket, new long[2])));
            }
        });
        verification.forEach((book, buckets) -> {
            for (String bucket : List.of("CHARGED", "GIVEN_BACK", "OWED")) {
                rows.add(row(book, "CONTROL_VERIFICATION", bucket, buckets.getOrDefault(bucket, new long[2])));
            }
        });
        net.forEach((book, v) -> rows.add(row(book, "CONTROL_LEDGER", "NET", v)));
        simulated.forEach((book, v) -> rows.add(row(book, "SIMULATED", "MOVEMENTS", v)));
        return rows;
    }

    /** The books figures are kept in: one per account and currency, never summed across either. */
    private static String book(String account, String currency) {
        return account + "\u0001" + currency;
    }

    private static Row row(String book, String kind, String outcome, long[] v) {
        int cut = book.indexOf('\u0001');
        return new Row(book.substring(cut + 1), kind, outcome, v[0], v[1], book.substring(0, cut));
    }

    private static void add(Map<String, long[]> map, String key, long amount) {
        long[] v = map.computeIfAbsent(key, k -> new long[2]);
        v[0] = Math.addExact(v[0], 1);
        v[1] = Math.addExact(v[1], amount); // a total beyond a long fails the report loudly, never wraps
    }
}
