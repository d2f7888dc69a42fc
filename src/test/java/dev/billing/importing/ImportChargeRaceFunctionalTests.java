package dev.billing.importing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineProcess;
import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.importing.ImportService.ImportResult;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An import racing a charge run in another process, with tiny pages and chunks: what the import reports as loaded
 * is what the charge sees. An order it accepted as cancelled is never charged; one it re-priced is charged at its new
 * amount or not at all; every success is at the order's amount; a row for an order with a charge prepared or in flight
 * is refused. Run several rounds, each on fresh orders.
 */
@EngineTest
class ImportChargeRaceFunctionalTests {

    private static final int ORDERS = 2000;
    private static final int TOKENS = 200;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ImportService importService;
    @Autowired
    ApsClient inProcessGateway; // creates the simulator's schema
    @TempDir
    Path dir;

    /** What the last accepted import row did to an order: cancelled it, or priced it at {@code minor}. */
    private record Accepted(boolean cancelled, long minor) {
    }

    @Test
    void whatAnImportAcceptedIsWhatTheChargeRunSees() throws Exception {
        for (int round = 1; round <= 3; round++) {
            race(round);
        }
    }

    private void race(int round) throws Exception {
        new Fixtures(jdbc).reset();
        new Fixtures(jdbc).manyOrders(ORDERS, TOKENS);

        Path log = EngineProcess.log("race-charge-" + round + ".log");
        Process charge = EngineProcess.start(log, "run", "charge-orders", "--date", "2026-11-27",
                "--billing.charge.page-size=5", "--billing.chunk-size=2", "--billing.gateway.max-concurrency=8",
                "--billing.simulator.latency=15ms");
        Map<String, Accepted> accepted = new HashMap<>();
        Random random = new Random(round);
        int imports = 0;
        try {
            while (charge.isAlive() || imports < 3) {
                imports++;
                importRound(random, imports, accepted);
            }
            assertThat(charge.waitFor(3, TimeUnit.MINUTES)).isTrue();
        } finally {
            charge.destroyForcibly();
        }
        assertThat(charge.exitValue()).as(EngineProcess.output(log)).isZero();

        // every success is at the order's amount, and the gateway took exactly that
        assertThat(jdbc.queryForList("""
                SELECT a.attempt_reference FROM payment_attempts a JOIN orders o ON o.order_id = a.order_id
                WHERE a.state = 'SUCCEEDED' AND (a.amount_minor <> o.amount_minor OR a.currency <> o.currency OR o.status <> 'PAID')""",
                String.class)).as("round " + round + ": successes not at the order's terms, or on an order not PAID").isEmpty();
        assertThat(jdbc.queryForList("""
                SELECT g.merchant_reference FROM aps_simulator.orders g
                LEFT JOIN payment_attempts a ON a.attempt_reference = g.merchant_reference AND a.state = 'SUCCEEDED'
                WHERE g.captured_amount > 0 AND (a.id IS NULL OR a.amount_minor <> g.captured_amount)""", String.class))
                .as("round " + round + ": the gateway took what the ledger says").isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_exceptions", Long.class)).isZero();

        Map<String, String> status = new HashMap<>();
        Map<String, Long> charged = new HashMap<>();
        jdbc.query("SELECT order_id, status FROM orders", rs -> {
            status.put(rs.getString(1), rs.getString(2));
        });
        jdbc.query("SELECT order_id, amount_minor FROM payment_attempts WHERE state = 'SUCCEEDED'", rs -> {
            charged.put(rs.getString(1), rs.getLong(2));
        });
        int cancelledSeen = 0;
        int repricedCharged = 0;
        for (Map.Entry<String, Accepted> e : accepted.entrySet()) {
            String order = e.getKey();
            if (e.getValue().cancelled()) {
                cancelledSeen++;
                assertThat(status.get(order)).as("round %d: %s was accepted as cancelled", round, order).isEqualTo("CANCELLED");
                assertThat(charged).as("round %d: %s was accepted as cancelled", round, order).doesNotContainKey(order);
            } else if (charged.containsKey(order)) {
                repricedCharged++;
                assertThat(charged.get(order)).as("round %d: %s was re-priced", round, order).isEqualTo(e.getValue().minor());
            }
        }
        assertThat(cancelledSeen).as("round %d: the race cancelled some orders", round).isPositive();
        assertThat(repricedCharged).as("round %d: some re-priced orders were charged", round).isPositive();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM import_rejects WHERE reason LIKE '%charge in flight%'"
                + " OR reason LIKE '%already charged%'", Long.class)).as("round %d: the import met charged orders", round).isPositive();
    }

    /** One import of 150 rows on random orders: half cancel, half re-price (status SHIPPED); records what it accepted. */
    private void importRound(Random random, int n, Map<String, Accepted> accepted) throws Exception {
        StringBuilder csv = new StringBuilder("order_id,customer_id,token_name,amount,currency,status,charge_on\n");
        Map<Long, String[]> lines = new HashMap<>();
        Set<Integer> picked = new HashSet<>();
        long line = 1;
        while (picked.size() < 150) {
            int i = 1 + random.nextInt(ORDERS);
            if (!picked.add(i)) {
                continue;
            }
            String currency = List.of("AED", "KWD", "JPY").get(i % 3);
            boolean cancel = random.nextBoolean();
            int major = 5 + random.nextInt(50);
            csv.append("M-").append(i).append(",C,good-").append(i % TOKENS + 1).append(',').append(major).append(',')
                    .append(currency).append(',').append(cancel ? "CANCELLED" : "SHIPPED").append(",\n");
            lines.put(++line, new String[] {"M-" + i, cancel ? "C" : "P", Long.toString(
                    Money.parse(Integer.toString(major), CurrencyUnit.require(currency)).minorUnits())});
        }
        Path file = dir.resolve("race-" + n + ".csv");
        Files.writeString(file, csv);
        ImportResult result = importService.importFiles(null, file);
        Set<Long> rejected = new HashSet<>(jdbc.queryForList("SELECT line_number FROM import_rejects WHERE job_instance_id = ?",
                Long.class, result.execution().getJobInstance().getInstanceId()));
        lines.forEach((number, row) -> {
            if (!rejected.contains(number)) {
                accepted.put(row[0], new Accepted(row[1].equals("C"), Long.parseLong(row[2])));
            }
        });
    }
}
