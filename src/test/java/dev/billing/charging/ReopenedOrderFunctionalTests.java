package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.ApsCommand;
import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.importing.ImportService;
import dev.billing.money.Money;
import dev.billing.operations.JobRunner;
import dev.billing.simulator.ApsSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An order declined through its whole retry schedule, then opened again by an import, gets the whole schedule again:
 * the schedule counts soft declines since the order was (re)opened, while attempt numbers (and so merchant
 * references) keep growing.
 */
@EngineTest
@Import(ReopenedOrderFunctionalTests.Card.class)
class ReopenedOrderFunctionalTests {

    /** The in-process simulator behind a card that declines (insufficient funds) until it recovers. */
    static class RecoveringCard extends ApsClient {
        final AtomicBoolean declining = new AtomicBoolean(true);

        RecoveringCard(GatewayProperties settings) {
            super(settings);
        }

        @Override
        public GatewayReply purchase(String reference, Money amount, String token, String email, String description,
                                     String agreementId) {
            if (declining.get()) {
                return new GatewayReply(ApsCommand.PURCHASE, reference, OutcomeClass.SOFT_DECLINE, "13666", "Transaction declined",
                        null, "51", null, null, Map.of());
            }
            return super.purchase(reference, amount, token, email, description, agreementId);
        }
    }

    @TestConfiguration
    static class Card {
        @Bean
        @Primary
        RecoveringCard recoveringCard(GatewayProperties gateway, ApsSimulator inProcessSimulator) {
            return new RecoveringCard(gateway.forSimulator(inProcessSimulator.url()));
        }
    }

    private static final LocalDate D = LocalDate.of(2026, 11, 1);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ImportService importService;
    @Autowired
    RecoveringCard card;
    @TempDir
    Path dir;

    @Test
    void aReopenedOrderGetsItsWholeRetryScheduleAgain() throws Exception {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.token("card", "VERIFIED");
        fixtures.order("R-1", "card", 1000, "AED", "SHIPPED", null);

        // 1d,3d,7d: four attempts, the last on D+11, then PAYMENT_FAILED
        for (LocalDate night : new LocalDate[] {D, D.plusDays(1), D.plusDays(4), D.plusDays(11)}) {
            runner.run("charge-orders", night);
        }
        assertThat(fixtures.orderStatus("R-1")).isEqualTo("PAYMENT_FAILED");

        Path orders = dir.resolve("orders.csv");
        Files.writeString(orders, "order_id,customer_id,token_name,amount,currency,status,charge_on\nR-1,C,card,12.00,AED,SHIPPED,\n");
        importService.importFiles(null, orders);
        assertThat(fixtures.orderStatus("R-1")).isEqualTo("SHIPPED");

        runner.run("charge-orders", D.plusDays(12));
        assertThat(jdbc.queryForObject("SELECT status || ' ' || next_attempt_on FROM orders WHERE order_id = 'R-1'", String.class))
                .as("declined once since it was reopened: retried on the schedule's first wait")
                .isEqualTo("SHIPPED " + D.plusDays(13));

        card.declining.set(false);
        runner.run("charge-orders", D.plusDays(13));

        assertThat(fixtures.orderStatus("R-1")).isEqualTo("PAID");
        assertThat(jdbc.queryForList("SELECT attempt_reference || ' ' || state FROM payment_attempts ORDER BY attempt", String.class))
                .containsExactly("CH-R-1-1 DECLINED", "CH-R-1-2 DECLINED", "CH-R-1-3 DECLINED", "CH-R-1-4 DECLINED",
                        "CH-R-1-5 DECLINED", "CH-R-1-6 SUCCEEDED");
        assertThat(jdbc.queryForObject("SELECT captured_amount FROM aps_simulator.orders WHERE merchant_reference = 'CH-R-1-6'",
                Long.class)).isEqualTo(1200);
    }
}
