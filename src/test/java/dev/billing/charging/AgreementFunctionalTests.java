package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.operations.JobRunner;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * APS requires {@code token_name} and {@code agreement_id} on every recurring request. Every charge and verification
 * charge carries the token's agreement; with {@code billing.gateway.agreement-id=required} (the default) a token
 * without one is never sent: its orders are held, its verification waits, and the night goes on for everyone else.
 * The simulator, strict as APS, would refuse a recurring request without one ({@code 00001}).
 */
@EngineTest
class AgreementFunctionalTests {

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient gateway;

    Fixtures fixtures;

    @BeforeEach
    void reset() {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
    }

    @Test
    void everyRecurringRequestCarriesTheTokensAgreementAndATokenWithoutOneIsNeverSent() {
        fixtures.token("agreed", "VERIFIED", "AGR-agreed-7");
        fixtures.token("no-agreement", "VERIFIED", null);
        fixtures.token("new-agreed", "NEW", "AGR-new-1");
        fixtures.token("new-no-agreement", "NEW", null);
        fixtures.order("A-1", "agreed", 1000, "AED", "SHIPPED", null);
        fixtures.order("A-2", "agreed", 2000, "AED", "SHIPPED", null);
        fixtures.order("N-1", "no-agreement", 3000, "AED", "SHIPPED", null);

        var verify = runner.run("verify-tokens", NIGHT);
        var charge = runner.run("charge-orders", NIGHT);

        assertThat(verify.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(charge.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Map<String, Object> simulatorSaw = new java.util.TreeMap<>();
        jdbc.query("SELECT merchant_reference, token_name || ' ' || coalesce(agreement_id, '-') FROM aps_simulator.orders",
                rs -> {
                    simulatorSaw.put(rs.getString(1), rs.getString(2));
                });
        assertThat(simulatorSaw).hasSize(3).containsEntry("CH-A-1-1", "agreed AGR-agreed-7").containsEntry("CH-A-2-1", "agreed AGR-agreed-7")
                .hasEntrySatisfying(simulatorSaw.keySet().stream().filter(k -> k.startsWith("VC-")).findFirst().orElseThrow(),
                        v -> assertThat(v).isEqualTo("new-agreed AGR-new-1"));
        assertThat(fixtures.orderStatus("A-1")).isEqualTo("PAID");
        assertThat(fixtures.orderStatus("N-1")).isEqualTo("SHIPPED");
        assertThat(jdbc.queryForList("SELECT order_id || ': ' || reason FROM charge_holds", String.class))
                .containsExactly("N-1: no agreement_id");
        assertThat(jdbc.queryForList("SELECT token_name || ' ' || status || ' ' || coalesce(status_reason, '-') FROM tokens"
                + " WHERE token_name LIKE 'new-%' ORDER BY 1", String.class))
                .containsExactly("new-agreed VERIFIED -", "new-no-agreement NEW no agreement_id");

        // the merchant sends the agreement: the next night verifies the token, and the reason it waited is gone
        jdbc.update("UPDATE tokens SET agreement_id = 'AGR-late-1' WHERE token_name = 'new-no-agreement'");
        runner.run("verify-tokens", NIGHT.plusDays(1));
        assertThat(jdbc.queryForObject("SELECT status || ' ' || coalesce(status_reason, '-') FROM tokens WHERE token_name = 'new-no-agreement'",
                String.class)).isEqualTo("VERIFIED -");
    }

    @Test
    void theStrictSimulatorRefusesARecurringChargeWithoutAnAgreement() {
        fixtures.token("no-agreement", "VERIFIED", null);

        var reply = gateway.purchase("CH-STRICT-1", dev.billing.money.Money.parse("10.00", dev.billing.money.CurrencyUnit.require("AED")),
                "no-agreement", "c@example.com", null, null);

        assertThat(reply.responseCode()).isEqualTo("00001");
        assertThat(reply.outcome()).isEqualTo(dev.billing.gateway.OutcomeClass.REJECTED);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_simulator.orders", Long.class)).isZero();
    }
}
