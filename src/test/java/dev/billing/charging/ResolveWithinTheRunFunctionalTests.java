package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.ApsCommand;
import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.money.Money;
import dev.billing.operations.JobRunner;
import dev.billing.simulator.ApsSimulator;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the gateway can tell is settled in the run: a first send that never reached the gateway, then a resend by
 * the resolver whose reply is lost too, end as one charge, SUCCESS, before the run ends.
 */
@EngineTest
@Import(ResolveWithinTheRunFunctionalTests.Losing.class)
class ResolveWithinTheRunFunctionalTests {

    /** The in-process simulator behind a client that loses the first PURCHASE before sending it and the reply of the second. */
    static class LosingClient extends ApsClient {
        final AtomicInteger purchases = new AtomicInteger();

        LosingClient(GatewayProperties settings) {
            super(settings);
        }

        @Override
        public GatewayReply purchase(String reference, Money amount, String token, String email, String description,
                                     String agreementId) {
            int n = purchases.incrementAndGet();
            if (n == 1) {
                return new GatewayReply(ApsCommand.PURCHASE, reference, OutcomeClass.UNKNOWN, null, null, null, null, null,
                        "connection failed: refused before anything was sent (test)", Map.of());
            }
            GatewayReply reply = super.purchase(reference, amount, token, email, description, agreementId);
            if (n == 2) {
                return new GatewayReply(ApsCommand.PURCHASE, reference, OutcomeClass.UNKNOWN, null, null, null, null, null,
                        "connection failed: the reply was lost (test)", Map.of());
            }
            return reply;
        }
    }

    @TestConfiguration
    static class Losing {
        @Bean
        @Primary
        LosingClient losingClient(GatewayProperties gateway, ApsSimulator inProcessSimulator) {
            return new LosingClient(gateway.forSimulator(inProcessSimulator.url()));
        }
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    LosingClient client;

    @Test
    void aResendWhoseReplyIsLostIsAskedAboutAgainInTheSameRun() {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.token("good", "VERIFIED");
        fixtures.order("LOST-TWICE", "good", 4200, "AED", "SHIPPED", null);

        var execution = runner.run("charge-orders", LocalDate.of(2026, 11, 27));

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(client.purchases.get()).as("the first send and one resend").isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT state FROM payment_attempts WHERE order_id = 'LOST-TWICE'", String.class))
                .isEqualTo("SUCCEEDED");
        assertThat(fixtures.orderStatus("LOST-TWICE")).isEqualTo("PAID");
        assertThat(fixtures.gatewaySuccessesPerOrder()).containsExactly(Map.entry("LOST-TWICE", 1L));
        assertThat(fixtures.totalsMismatch()).isEmpty();
    }
}
