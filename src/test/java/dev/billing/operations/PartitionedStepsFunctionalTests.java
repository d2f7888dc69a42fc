package dev.billing.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.GatewayProperties;
import dev.billing.simulator.ApsSimulator;
import dev.billing.simulator.SimulatorProperties;
import dev.billing.simulator.SimulatorStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A night whose verify and charge steps are split in three partitions (billing.partitions.count=3, run here, at
 * once): every NEW token is verified once and given back once, every order charged once, the steps' totals are the
 * partitions' sums, and 'jobs show' lists each partition with the node that ran it.
 */
@EngineTest
class PartitionedStepsFunctionalTests {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;

    @Test
    void threePartitionsVerifyAndChargeEachTokenAndOrderOnce() throws Exception {
        Fixtures.resetEngineTables(jdbc);
        jdbc.execute("TRUNCATE aps_simulator.orders, aps_simulator.maintenance");
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT 'ps-' || i, 'C' || i, 'c@example.com', '400555******0001', '05/29', now(),
                       CASE WHEN i <= 40 THEN 'NEW' ELSE 'VERIFIED' END, 'AGR-ps-' || i
                FROM generate_series(1, 200) AS i""");
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                SELECT 'PS-' || i, 'C', 'ps-' || (i % 200 + 1), 100 + i, 'AED', 'SHIPPED' FROM generate_series(1, 900) AS i""");
        GatewayProperties merchant = new GatewayProperties(null, "AccessPS1", "MPS1", "rq-ps", "rs-ps", "SHA-256", "en",
                Duration.ofSeconds(5), Duration.ofSeconds(2), 8, 0, null, null);
        try (ApsSimulator gateway = new ApsSimulator(new SimulatorStore(dataSource, false), merchant,
                SimulatorProperties.none().withLatency(Duration.ofMillis(5)), 0)) {
            String[] settings = {"--billing.gateway.url=" + gateway.url(), "--billing.gateway.access-code=AccessPS1",
                "--billing.gateway.merchant-identifier=MPS1", "--billing.gateway.request-phrase=rq-ps",
                "--billing.gateway.response-phrase=rs-ps", "--billing.partitions.count=3"};
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            int code = Fixtures.cli(out, out).execute(Fixtures.concat(new String[] {"run", "nightly", "--date", "2026-11-28"}, settings));

            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(code).as(text).isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM tokens WHERE status = 'VERIFIED'", Long.class)).isEqualTo(200);
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM payment_attempts WHERE kind IN ('VERIFICATION_CHARGE', 'VERIFICATION_AUTHORIZATION')""", Long.class))
                    .as("one verification per NEW token").isEqualTo(40);
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM aps_simulator.orders s JOIN payment_attempts a ON a.merchant_reference = s.merchant_reference
                    WHERE a.kind IN ('VERIFICATION_CHARGE', 'VERIFICATION_AUTHORIZATION')
                      AND (s.refunded_amount = s.captured_amount OR s.voided)""", Long.class))
                    .as("each verification charge reached the gateway once and was given back").isEqualTo(40);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isEqualTo(900);
            assertThat(jdbc.queryForObject("""
                    SELECT count(DISTINCT a.order_id) || '/' || count(*) FROM aps_simulator.orders s
                    JOIN payment_attempts a ON a.merchant_reference = s.merchant_reference
                    WHERE a.kind = 'CHARGE' AND s.captured_amount > 0""", String.class))
                    .as("900 orders charged at the gateway, none twice").isEqualTo("900/900");

            long id = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);
            assertThat(jdbc.queryForList("""
                    SELECT read_count FROM batch_step_execution WHERE job_execution_id = ? AND step_name LIKE 'charge-partition:%'""",
                    Long.class, id)).hasSize(3).allMatch(n -> n > 0).as("the partitions' counts sum to the step's")
                    .satisfies(counts -> assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(900));
            assertThat(jdbc.queryForObject("SELECT read_count FROM batch_step_execution WHERE job_execution_id = ? AND step_name = 'charge'",
                    Long.class, id)).isEqualTo(900);
            assertThat(jdbc.queryForObject("SELECT exit_message FROM batch_step_execution WHERE job_execution_id = ? AND step_name = 'charge'",
                    String.class, id)).startsWith("900 charged");
            assertThat(jdbc.queryForObject("SELECT exit_message FROM batch_step_execution WHERE job_execution_id = ? AND step_name = 'verify'",
                    String.class, id)).startsWith("40 verified");

            ByteArrayOutputStream shown = new ByteArrayOutputStream();
            assertThat(Fixtures.cli(shown, shown).execute("jobs", "show", Long.toString(id))).isZero();
            String show = shown.toString(StandardCharsets.UTF_8);
            assertThat(show).containsPattern("(?m)^  step charge +COMPLETED +read 900")
                    .containsPattern("(?m)^    partition partition0 +COMPLETED +on \\S+:\\d+ +read \\d+")
                    .containsPattern("(?m)^    partition partition2 +COMPLETED +on \\S+:\\d+ +read \\d+")
                    .doesNotContain("step charge-partition");
        }
    }
}
