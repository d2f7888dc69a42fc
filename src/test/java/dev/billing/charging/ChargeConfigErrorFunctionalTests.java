package dev.billing.charging;

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
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Wrong gateway settings stop the run with one line and mark no order failed; after the settings are fixed,
 * 'jobs restart' finishes the night and charges every order once.
 */
@EngineTest
class ChargeConfigErrorFunctionalTests {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    ApsClient inProcessGateway;

    @Test
    void aConfigurationErrorStopsTheRunAndARestartAfterTheFixFinishesIt() throws Exception {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.manyOrders(300, 30);
        GatewayProperties merchant = new GatewayProperties(null, "RealAccess0001", "MERCH42", "req-phrase", "resp-phrase",
                "SHA-512", "en", Duration.ofSeconds(5), Duration.ofSeconds(2), 32, 0, null, null);
        try (ApsSimulator gateway = new ApsSimulator(new SimulatorStore(dataSource, false), merchant, SimulatorProperties.none(), 0)) {
            String[] settings = {"--billing.gateway.url=" + gateway.url(), "--billing.gateway.merchant-identifier=MERCH42",
                "--billing.gateway.request-phrase=req-phrase", "--billing.gateway.response-phrase=resp-phrase",
                "--billing.gateway.signature-type=SHA-512"};

            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int failed = Fixtures.cli(new ByteArrayOutputStream(), err).execute(Fixtures.concat(new String[] {"run", "charge-orders", "--date", "2026-11-27",
                "--billing.gateway.access-code=WrongAccess"}, settings));

            assertThat(failed).isEqualTo(1);
            String message = err.toString(StandardCharsets.UTF_8);
            assertThat(message).contains("charge-orders FAILED (execution").contains("misconfigured (00010 Invalid access code")
                    .doesNotContain("WrongAccess").doesNotContain("req-phrase");
            assertThat(jdbc.queryForList("SELECT DISTINCT status FROM orders", String.class)).containsExactly("SHIPPED");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE state <> 'UNKNOWN'", Long.class)).isZero();
            assertThat(jdbc.queryForList("SELECT DISTINCT outcome_class FROM payment_attempts", String.class)).containsOnly("CONFIG_ERROR");
            long id = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);

            int restarted = Fixtures.cli(new ByteArrayOutputStream(), new ByteArrayOutputStream()).execute(Fixtures.concat(new String[] {"jobs", "restart", Long.toString(id),
                "--billing.gateway.access-code=RealAccess0001"}, settings));

            assertThat(restarted).isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isEqualTo(300);
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM aps_simulator.orders WHERE merchant_identifier = 'MERCH42' AND captured_amount > 0""", Long.class))
                    .isEqualTo(300);
            assertThat(jdbc.queryForObject("""
                    SELECT count(DISTINCT substring(merchant_reference FROM '^CH-(.*)-[0-9]+$')) FROM aps_simulator.orders
                    WHERE merchant_identifier = 'MERCH42' AND captured_amount > 0""", Long.class)).isEqualTo(300);
        }
    }
}
