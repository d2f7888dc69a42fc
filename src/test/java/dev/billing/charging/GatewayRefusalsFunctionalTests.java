package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayProperties;
import dev.billing.operations.JobRunner;
import dev.billing.simulator.ApsSimulator;
import dev.billing.simulator.SimulatorProperties;
import dev.billing.simulator.SimulatorStore;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the gateway refuses and what it never answers: a request refused for one order's own data fails that order
 * alone and is never sent again; a gateway that cannot be reached stops the run FAILED, and a restart once it answers
 * settles what was sent before it charges anything new.
 */
@EngineTest
class GatewayRefusalsFunctionalTests {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient inProcessGateway;

    @Test
    void anOrderTheGatewayRefusesAsMalformedFailsAloneAndIsNeverResent() {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.token("good", "VERIFIED");
        fixtures.order("FINE-1", "good", 1000, "AED", "SHIPPED", null);
        fixtures.order("HUGE", "good", 12_345_678_901L, "AED", "SHIPPED", null); // 11 digits: APS answers 00005
        fixtures.order("FINE-2", "good", 2000, "AED", "SHIPPED", null);

        var first = runner.run("charge-orders", LocalDate.of(2026, 11, 27));
        var second = runner.run("charge-orders", LocalDate.of(2026, 11, 28));

        assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(fixtures.orderStatus("FINE-1")).isEqualTo("PAID");
        assertThat(fixtures.orderStatus("FINE-2")).isEqualTo("PAID");
        assertThat(jdbc.queryForObject("SELECT status || ': ' || failure_reason FROM orders WHERE order_id = 'HUGE'", String.class))
                .startsWith("PAYMENT_FAILED: the gateway refused the request for its data: 00005");
        assertThat(jdbc.queryForList("SELECT state || ' ' || outcome_class FROM payment_attempts WHERE order_id = 'HUGE'", String.class))
                .as("one attempt, final, never resent nor left unknown").containsExactly("FAILED REJECTED");
        assertThat(jdbc.queryForObject("SELECT status FROM tokens WHERE token_name = 'good'", String.class)).isEqualTo("VERIFIED");
    }

    @Test
    void aNightWhoseGatewayCannotBeReachedFailsAndARestartSettlesThenFinishesIt() throws Exception {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.manyOrders(300, 30);
        GatewayProperties merchant = new GatewayProperties(null, "RealAccess0001", "MERCH42", "req-phrase", "resp-phrase",
                "SHA-256", "en", Duration.ofSeconds(5), Duration.ofSeconds(2), 32, 0, null, null);
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (ApsSimulator gateway = new ApsSimulator(new SimulatorStore(dataSource, false), merchant, SimulatorProperties.none(), 0)) {
            String[] settings = {"--billing.gateway.access-code=RealAccess0001", "--billing.gateway.merchant-identifier=MERCH42",
                "--billing.gateway.request-phrase=req-phrase", "--billing.gateway.response-phrase=resp-phrase"};

            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int failed = Fixtures.cli(new ByteArrayOutputStream(), err).execute(Fixtures.concat(new String[] {"run", "charge-orders", "--date", "2026-11-27",
                "--billing.gateway.url=http://127.0.0.1:" + closedPort + "/FortAPI/paymentApi"}, settings));

            String message = err.toString(StandardCharsets.UTF_8);
            assertThat(failed).as(message).isEqualTo(1);
            assertThat(message).contains("charge-orders FAILED (execution").contains("gateway unreachable: 20 calls in a row got no reply")
                    .doesNotContain("\tat ").doesNotContain("req-phrase");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isZero();
            long unknown = jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE state = 'UNKNOWN'", Long.class);
            assertThat(unknown).isGreaterThanOrEqualTo(20);
            long id = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);

            int restarted = Fixtures.cli(new ByteArrayOutputStream(), new ByteArrayOutputStream()).execute(Fixtures.concat(new String[] {"jobs", "restart", Long.toString(id),
                "--billing.gateway.url=" + gateway.url()}, settings));

            assertThat(restarted).isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isEqualTo(300);
            assertThat(jdbc.queryForObject("""
                    SELECT count(DISTINCT substring(merchant_reference FROM '^CH-(.*)-[0-9]+$')) FROM aps_simulator.orders
                    WHERE merchant_identifier = 'MERCH42' AND captured_amount > 0""", Long.class)).isEqualTo(300);
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM aps_simulator.orders WHERE merchant_identifier = 'MERCH42' AND captured_amount > 0""", Long.class))
                    .isEqualTo(300);
            // the restart resumed the charge step, which settled the unknown attempts before charging anything new
            long restartId = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);
            assertThat(jdbc.queryForList("""
                    SELECT step_name || ': ' || exit_message FROM batch_step_execution WHERE job_execution_id = ? ORDER BY step_execution_id""",
                    String.class, restartId)).first().asString().startsWith("charge: ")
                    .endsWith(String.format("; %,d open attempts settled first", unknown));
        }
    }
}
