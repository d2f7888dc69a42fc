package dev.billing.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.EngineTest;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** With no billing.gateway.url the engine's client talks to a simulator it started itself, on loopback. */
@EngineTest
class InProcessSimulatorFunctionalTests {

    @Autowired
    ApsClient client;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theClientUsesTheBuiltInSimulatorWhichRecordsInItsOwnSchema() {
        assertThat(client.url().getHost()).isIn("127.0.0.1", "localhost");
        assertThat(client.url().getPath()).isEqualTo("/FortAPI/paymentApi");
        String reference = "INPROC-" + System.nanoTime();

        GatewayReply reply = client.purchase(reference, Money.parse("12.345", CurrencyUnit.require("KWD")), "tok-1", "a@example.com", null, "AGR-TEST-1");

        assertThat(reply.outcome()).isEqualTo(OutcomeClass.SUCCESS);
        assertThat(jdbc.queryForObject("SELECT amount FROM aps_simulator.orders WHERE merchant_identifier = ? AND merchant_reference = ?",
                Long.class, GatewayProperties.SIMULATOR_MERCHANT, reference)).isEqualTo(12345);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'orders'",
                Long.class)).as("the engine's own orders table is another table").isEqualTo(1);
    }

    @Test
    void aRealGatewayNeedsItsCredentials() {
        GatewayProperties incomplete = new GatewayProperties(URI.create("https://sbpaymentservices.payfort.com/FortAPI/paymentApi"),
                "AccessSecret42", null, "PhraseSecret42", null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(incomplete::requireComplete)
                .hasMessageContaining("billing.gateway.merchant-identifier")
                .hasMessageContaining("billing.gateway.response-phrase")
                .hasMessageNotContaining("AccessSecret42").hasMessageNotContaining("PhraseSecret42");
        assertThat(incomplete.toString()).doesNotContain("AccessSecret42").doesNotContain("PhraseSecret42");
    }
}
