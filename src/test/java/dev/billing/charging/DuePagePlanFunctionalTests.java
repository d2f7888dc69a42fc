package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.batch.TokenPartition;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The due-orders pages of a partition in the state a month of nights leaves the tables (most orders paid, a night's due
 * among them, a long run of one token's orders): every due order of the partition once, in order, and a page reads at
 * most its window of due orders whatever plan the planner picks (it read and sorted every due order of the night for
 * each page).
 */
@EngineTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // the tests only read: one month of orders for both
class DuePagePlanFunctionalTests {

    private static final int TOKENS = 2_000;
    private static final int PAID = 200_000;
    private static final int RUN = 6_000;
    private static final int DUE = 20_000;
    private static final LocalDate DATE = LocalDate.parse("2026-12-01");

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ChargeLedger ledger;

    @BeforeAll
    void aMonthOfPaidOrdersAndANightDue() {
        Fixtures.resetEngineTables(jdbc);
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status)
                SELECT 'tok-' || t, 'C-' || t, 'c@example.com', '411111******1111', '12/30', now(), 'VERIFIED'
                FROM generate_series(0, ?) AS t""", TOKENS - 1);
        // paid orders, then a run of one token's due orders, then due orders on every token
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                SELECT 'O-' || i, 'C-' || t, 'tok-' || t, 100, 'AED', CASE WHEN i <= ? THEN 'PAID' ELSE 'SHIPPED' END
                FROM generate_series(1, ?) AS i, LATERAL (SELECT CASE WHEN i > ? AND i <= ? THEN 0 ELSE i % ? END AS t) x""",
                PAID, PAID + RUN + DUE, PAID, PAID + RUN, TOKENS);
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt,
                                              amount_minor, currency, business_date, state)
                SELECT 'CH-O-' || i, 'CH-O-' || i, 'CHARGE', 'O-' || i, 'tok-' || (i % ?), 1, 100, 'AED', DATE '2026-11-01' + (i / 12500),
                       'SUCCEEDED'
                FROM generate_series(1, ?) AS i""", TOKENS, PAID);
        ledger.refreshStatistics(); // what the charge step does as it starts
    }

    @Test
    void everyDueOrderOfEachPartitionComesOnceInOrderPastARunOfAnotherPartitionsToken() {
        List<Long> all = new ArrayList<>();
        for (int index = 0; index < 3; index++) {
            List<Long> ids = new ArrayList<>();
            long after = 0;
            for (List<DueOrder> page = ledger.duePage(DATE, after, 500, new TokenPartition(index, 3)); !page.isEmpty();
                 page = ledger.duePage(DATE, after, 500, new TokenPartition(index, 3))) {
                page.forEach(o -> ids.add(o.id()));
                after = page.get(page.size() - 1).id();
            }
            assertThat(ids).isSorted().doesNotHaveDuplicates();
            all.addAll(ids);
        }
        assertThat(all).doesNotHaveDuplicates().hasSize(RUN + DUE);
    }

    @Test
    void aPageReadsAtMostItsWindowOfDueOrders() {
        TokenPartition partition = new TokenPartition(1, 3);
        int window = 500 * 3 * 2;
        long after = jdbc.queryForObject("SELECT id FROM orders WHERE order_id = ?", Long.class, "O-" + (PAID + RUN));
        long bound = jdbc.queryForObject("SELECT id FROM orders WHERE status = 'SHIPPED' AND id > ? ORDER BY id OFFSET ? LIMIT 1", Long.class,
                after, window - 1);

        assertThat(ordersRead(partition, after, bound)).isLessThanOrEqualTo(window);
        // the test can tell: with no window, the page reads every due order after it
        assertThat(ordersRead(partition, after, Long.MAX_VALUE)).isGreaterThan(window);
    }

    /** The rows the page's scan of orders gave (EXPLAIN ANALYZE), from after the run of one token. */
    private long ordersRead(TokenPartition partition, long after, long bound) {
        String sql = ChargeLedger.duePageSql(partition).replace(":afterId", Long.toString(after)).replace(":bound", Long.toString(bound))
                .replace(":date", "DATE '" + DATE + "'").replace(":limit", "500");
        long read = 0;
        for (String line : jdbc.queryForList("EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) " + sql, String.class)) {
            Matcher scan = Pattern.compile("Scan .*on orders o .*rows=(\\d+) loops=(\\d+)").matcher(line);
            if (scan.find()) {
                read += Long.parseLong(scan.group(1)) * Long.parseLong(scan.group(2));
            }
        }
        assertThat(read).as("a scan of orders in the plan:%n%s", String.join("\n", jdbc.queryForList("EXPLAIN " + sql, String.class)))
                .isPositive();
        return read;
    }
}
