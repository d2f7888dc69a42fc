package dev.billing.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.bench.AccountLane;
import dev.billing.operations.JobRunner;
import dev.billing.simulator.ApsSimulator;
import dev.billing.simulator.SimulatedAccounts;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * One account's budget never slows another's night (issue 28): a fast account answering in 50 ms and a slow one in 500 ms,
 * each allowed 8 calls in flight, their orders interleaved one slow to ten fast. Each account is charged in a lane of its
 * own, so the fast account reaches at least 90% of its own bound (8 / 50 ms = 160 charges a second) while the slow one
 * is charging; in one shared lane, the slow calls would hold the callers and the fast account would get about half of it.
 * The rate is the one the fast account keeps while the slow one charges: its middle 80% of charges over the time they
 * took (the lane's first and last moments, its start and its last chunk, are not the budget's doing; the whole-lane
 * figure is printed beside it).
 */
@EngineTest
@TestPropertySource(properties = {
    "billing.gateway.currencies=AED",
    "billing.gateway.max-concurrency=8",
    "billing.gateway.accounts.slow.currencies=SAR",
    "billing.gateway.accounts.slow.max-concurrency=8",
    "billing.simulator.account-latency.default=50ms",
    "billing.simulator.account-latency.slow=500ms"
})
class AccountBudgetFunctionalTests {

    static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);
    static final int CONCURRENCY = 8;
    static final double FAST_LATENCY_SECONDS = 0.050;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient gateway;
    @Autowired
    ApsSimulator fastGateway;
    @Autowired
    SimulatedAccounts otherGateways;

    @Test
    void theFastAccountReachesNinetyPerCentOfItsBoundWhileTheSlowOneCharges() {
        gateway.forAccount("slow");
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        for (int t = 1; t <= 200; t++) {
            fixtures.token("f-" + t, "VERIFIED");
        }
        for (int t = 1; t <= 40; t++) {
            fixtures.token("s-" + t, "VERIFIED");
        }
        jdbc.update("UPDATE tokens SET account = 'slow' WHERE token_name LIKE 's-%'");
        int fast = 0;
        int slow = 0;
        while (fast < 2400) { // ten fast orders, then a slow one, in id order
            for (int i = 0; i < 10; i++) {
                fast++;
                fixtures.order("F-" + fast, "f-" + (fast % 200 + 1), 1000 + fast, "AED", "SHIPPED", null);
            }
            slow++; // 240 in all: 15 s at the slow account's bound, as long as the fast account's 2,400 at its
            fixtures.order("S-" + slow, "s-" + (slow % 40 + 1), 2000 + slow, "SAR", "SHIPPED", null);
        }

        assertThat(runner.run("charge-orders", NIGHT).getStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(jdbc.queryForList("SELECT DISTINCT status FROM orders", String.class)).containsExactly("PAID");
        AccountLane fastLane = AccountLane.of(jdbc, "default");
        AccountLane slowLane = AccountLane.of(jdbc, "slow");
        assertThat(fastLane.charges()).isEqualTo(fast);
        assertThat(slowLane.charges()).isEqualTo(slow);
        double bound = CONCURRENCY / FAST_LATENCY_SECONDS;
        double rate = fastLane.middleRate();
        System.out.printf("fast account: its middle %,d charges in %.2f s = %.1f/s, %.1f%% of its bound %.0f/s (whole lane: %,d in %.2f s,"
                + " %.1f%%); slow account: %d charges in %.2f s%n", fastLane.middleCharges(), fastLane.middleSeconds(), rate, 100 * rate / bound,
                bound, fast, fastLane.seconds(), 100 * fast / fastLane.seconds() / bound, slow, slowLane.seconds());
        assertThat(rate).as("the fast account's charges a second while the slow one charges (bound %.0f)", bound)
                .isGreaterThanOrEqualTo(0.9 * bound);
        // the slow account was charging all along the measured stretch, within its own budget, as was the fast one within its
        assertThat(slowLane.first()).isLessThanOrEqualTo(fastLane.middleFrom());
        assertThat(slowLane.last()).isGreaterThanOrEqualTo(fastLane.middleTo());
        assertThat(otherGateways.simulator("slow").maxInFlight()).isLessThanOrEqualTo(CONCURRENCY);
        assertThat(fastGateway.maxInFlight()).isLessThanOrEqualTo(CONCURRENCY);
        assertThat(otherGateways.simulator("slow").requestCount()).isEqualTo(slow);
    }
}
