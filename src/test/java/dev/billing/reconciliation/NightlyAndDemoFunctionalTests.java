package dev.billing.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayProperties;
import dev.billing.simulator.ApsSimulator;
import dev.billing.simulator.SimulatorProperties;
import dev.billing.simulator.SimulatorStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** nightly resumes from the step that failed; demo runs the whole night on the sample data and says what happened. */
@EngineTest
class NightlyAndDemoFunctionalTests {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    ApsClient inProcessGateway;
    @Autowired
    ReconciliationReports reports;

    private static int cli(ByteArrayOutputStream out, String... args) {
        return Fixtures.cli(out, out).execute(args);
    }

    @Test
    void aFailedNightIsRestartedFromTheStepThatFailed() throws Exception {
        Fixtures.resetEngineTables(jdbc);
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                VALUES ('n-1', 'C', 'c@example.com', '400555******0001', '05/29', now(), 'NEW', 'AGR-n-1')""");
        jdbc.update("INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status) VALUES ('NO-1', 'C', 'n-1', 700, 'AED', 'SHIPPED')");
        GatewayProperties merchant = new GatewayProperties(null, "Access01", "M01", "rq", "rs", "SHA-256", "en",
                Duration.ofSeconds(5), Duration.ofSeconds(2), 8, 0, null, null);
        try (ApsSimulator gateway = new ApsSimulator(new SimulatorStore(dataSource, false), merchant, SimulatorProperties.none(), 0)) {
            String[] settings = {"--billing.gateway.url=" + gateway.url(), "--billing.gateway.merchant-identifier=M01",
                "--billing.gateway.request-phrase=rq", "--billing.gateway.response-phrase=rs"};
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int failed = cli(out, Fixtures.concat(new String[] {"run", "nightly", "--date", "2026-11-27", "--billing.gateway.access-code=Wrong"}, settings));
            assertThat(failed).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(1);
            long id = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);
            assertThat(jdbc.queryForObject("SELECT status FROM batch_step_execution WHERE job_execution_id = ? AND step_name = 'verify'",
                    String.class, id)).isEqualTo("FAILED");

            int restarted = cli(new ByteArrayOutputStream(), Fixtures.concat(new String[] {"jobs", "restart", Long.toString(id),
                "--billing.gateway.access-code=Access01"}, settings));

            assertThat(restarted).isZero();
            long newer = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);
            List<String> steps = jdbc.queryForList("SELECT step_name FROM batch_step_execution WHERE job_execution_id = ? ORDER BY step_execution_id",
                    String.class, newer);
            assertThat(steps).as("the completed steps are not run again").startsWith("verify").doesNotContain("give-back-owed")
                    .contains("charge", "reconcile");
            assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE order_id = 'NO-1'", String.class)).isEqualTo("PAID");
            assertThat(jdbc.queryForObject("SELECT status FROM tokens WHERE token_name = 'n-1'", String.class)).isEqualTo("VERIFIED");
            // the merchant hears of the failed night and of the one that completed it, each once
            assertThat(jdbc.queryForList("SELECT type || ' ' || (body::json -> 'data' ->> 'job_execution_id') || ' '"
                    + " || (body::json -> 'data' ->> 'business_date') FROM outbox WHERE type LIKE 'night.%' ORDER BY id", String.class))
                    .containsExactly("night.failed " + id + " 2026-11-27", "night.completed " + newer + " 2026-11-27");
        }
    }

    @Test
    void demoRunsTheNightOnTheSampleData() {
        Fixtures.resetEngineTables(jdbc);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int code = cli(out, "demo");

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        assertThat(text).contains("imported orders.csv: 360 new").contains("nightly COMPLETED")
                .contains("report: ").contains("transactions-").contains("summary-").contains("exceptions-")
                .containsPattern("(?m)^AED +\\d+ \\(");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isGreaterThan(100);
        // the sample's refunds: three sent, one large one waiting for a second person, and the summary shows them
        assertThat(text).contains("refunds (refunds.csv): 3 refunded, 1 waiting for a second person's approval");
        assertThat(jdbc.queryForList("SELECT order_id || ' ' || status FROM orders WHERE order_id IN ('ORD-00001', 'ORD-00113', 'ORD-00163')"
                + " ORDER BY order_id", String.class)).containsExactly("ORD-00001 PARTIALLY_REFUNDED", "ORD-00113 PARTIALLY_REFUNDED",
                "ORD-00163 REFUNDED");
        assertThat(text).containsPattern("(?m)^KWD .* 1 \\(10\\.000\\) ");
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(reportLines(today)).contains("AED,REFUND,SUCCESS,2,648.82", "KWD,REFUND,SUCCESS,1,10.000");

        int again = cli(new ByteArrayOutputStream(), "demo");
        assertThat(again).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE kind = 'REFUND'", Long.class))
                .as("demo again refunds nothing twice").isEqualTo(3);
    }

    private java.util.List<String> reportLines(java.time.LocalDate date) {
        try {
            return java.nio.file.Files.readAllLines(reports.directory(date).resolve("summary-" + date + ".csv"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
