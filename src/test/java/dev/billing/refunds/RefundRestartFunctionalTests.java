package dev.billing.refunds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineProcess;
import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.command.ExitCodes;
import dev.billing.gateway.ApsClient;
import dev.billing.operations.JobRunner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * After Spring Batch's RestartFunctionalTests, with a real process: {@code refund --file} of 500 refunds runs in a JVM
 * of its own (its simulator answering after 200 ms, 32 in flight) and is killed with SIGKILL at a random point, again
 * and again; the same file run once more settles what was in flight and refunds the rest. Every refund is at the
 * gateway exactly once, and the ledger ties out with it.
 */
@EngineTest
class RefundRestartFunctionalTests {

    private static final int ORDERS = 500;
    private static final LocalDate D = LocalDate.of(2026, 11, 27);
    /** The test orders are in AED, KWD and JPY; JPY has no default threshold (every refund in it would wait). */
    private static final String NO_APPROVAL = "--billing.refunds.approval-above.JPY=1000000";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient inProcessGateway;
    @TempDir
    Path dir;

    private long refundedAtGateway() {
        return jdbc.queryForObject("SELECT count(*) FROM aps_simulator.maintenance WHERE command = 'REFUND' AND response_code = '06000'",
                Long.class);
    }

    @Test
    void killedAtRandomPointsOfABatchThenRunAgainRefundsEachOnce() throws Exception {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.manyOrders(ORDERS, 100);
        runner.run("charge-orders", D);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isEqualTo(ORDERS);

        // half refunded in full, half in part (a third of the charge); the amounts in major units of each currency
        Path file = dir.resolve("refunds.csv");
        StringBuilder csv = new StringBuilder("order_id,amount,currency,reason\n");
        int[] row = {0};
        jdbc.query("SELECT order_id, amount_minor, currency FROM orders ORDER BY id", rs -> {
            String currency = rs.getString(3);
            long minor = rs.getLong(2);
            boolean full = ++row[0] % 2 == 0;
            int digits = currency.equals("KWD") ? 3 : currency.equals("JPY") ? 0 : 2;
            String amount = full ? "" : java.math.BigDecimal.valueOf(minor / 3, digits).toPlainString();
            csv.append(rs.getString(1)).append(',').append(amount).append(',').append(currency).append(",batch ").append(row[0]).append('\n');
        });
        Files.writeString(file, csv);

        Random random = new Random(25);
        long before = 0;
        long leftInFlight = 0;
        for (int kill = 1; kill <= 4; kill++) {
            Path log = EngineProcess.log("refund-kill-" + kill + ".log");
            Process engine = EngineProcess.start(log, "refund", "--file", file.toString(), "--billing.simulator.latency=200ms", NO_APPROVAL);
            long atLeast = before + 20 + random.nextInt(60);
            long floor = atLeast;
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .failFast("the refunds ended before they could be killed:\n" + EngineProcess.output(log), () -> !engine.isAlive())
                    .until(() -> refundedAtGateway() >= floor);
            engine.destroyForcibly();
            assertThat(engine.waitFor(30, TimeUnit.SECONDS)).isTrue();
            before = refundedAtGateway();
            assertThat(before).as("killed part-way, kill " + kill).isLessThan(ORDERS);
            leftInFlight += jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE kind = 'REFUND' AND state IN ('PREPARED', 'UNKNOWN')",
                    Long.class);
        }
        assertThat(leftInFlight).as("the kills left refunds in flight, which the next run settled by asking the gateway").isPositive();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Fixtures.cli(out, out).execute("refund", "--file", file.toString(), NO_APPROVAL);
        String said = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(said).isEqualTo(ExitCodes.OK);
        assertThat(said).contains("refunds.csv: 500 refunded, 0 waiting for approval, 0 rejected, 0 not known yet");

        assertThat(refundedAtGateway()).as("every refund at the gateway").isEqualTo(ORDERS);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM (SELECT merchant_reference FROM aps_simulator.maintenance WHERE command = 'REFUND'
                GROUP BY merchant_reference HAVING count(*) > 1) twice""", Long.class)).as("no charge refunded twice").isZero();
        assertThat(jdbc.queryForList("""
                SELECT a.attempt_reference FROM payment_attempts a
                LEFT JOIN aps_simulator.maintenance m ON m.maintenance_reference = a.attempt_reference AND m.response_code = '06000'
                WHERE a.kind = 'REFUND' AND (a.state <> 'SUCCEEDED' OR m.amount IS DISTINCT FROM a.amount_minor)""", String.class))
                .as("the ledger's refunds are the gateway's, amount for amount").isEmpty();
        assertThat(jdbc.queryForList("""
                SELECT s.merchant_reference FROM aps_simulator.orders s
                JOIN payment_attempts c ON c.attempt_reference = s.merchant_reference AND c.kind = 'CHARGE'
                WHERE s.refunded_amount <> (SELECT COALESCE(sum(r.amount_minor), 0) FROM payment_attempts r
                                            WHERE r.merchant_reference = c.attempt_reference AND r.kind = 'REFUND' AND r.state = 'SUCCEEDED')""",
                String.class)).as("each charge's refunded amount ties out").isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'REFUNDED'", Long.class)).isEqualTo(ORDERS / 2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PARTIALLY_REFUNDED'", Long.class)).isEqualTo(ORDERS / 2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM refund_requests", Long.class)).as("one request per row").isEqualTo(ORDERS);
    }
}
