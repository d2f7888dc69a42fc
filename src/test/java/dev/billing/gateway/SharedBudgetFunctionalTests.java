package dev.billing.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineTest;
import dev.billing.support.EngineThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The account's budget shared through the database: two budgets on one database (two nodes) never have more calls
 * in flight together than the slots; one alone has all of them; a node that goes away frees its slots.
 */
@EngineTest
class SharedBudgetFunctionalTests {

    private static final int SLOTS = 4;

    @Autowired
    DataSource dataSource;
    @Autowired
    EngineThreads threads;

    @Test
    void oneNodeAloneHasEverySlotAndNoMore() throws Exception {
        try (SharedBudget a = new SharedBudget(dataSource, SLOTS, 0, "test-node-a", threads)) {
            for (int i = 0; i < SLOTS; i++) {
                a.acquire();
            }
            CompletableFuture<Void> fifth = CompletableFuture.runAsync(() -> acquire(a));
            Thread.sleep(500);
            assertThat(fifth).as("a fifth call waits").isNotDone();

            a.release();

            fifth.get(5, TimeUnit.SECONDS);
            for (int i = 0; i < SLOTS; i++) {
                a.release();
            }
        }
    }

    @Test
    void twoNodesTogetherNeverExceedTheSlotsAndBothGetCallsThrough() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        try (SharedBudget a = new SharedBudget(dataSource, SLOTS, 0, "test-node-a", threads);
             SharedBudget b = new SharedBudget(dataSource, SLOTS, 0, "test-node-b", threads)) {
            AtomicInteger callsA = new AtomicInteger();
            AtomicInteger callsB = new AtomicInteger();
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                callers.add(caller(a, callsA, inFlight, most, stop));
                callers.add(caller(b, callsB, inFlight, most, stop));
            }
            callers.forEach(Thread::start);
            Thread.sleep(3000);
            stop.set(true);
            for (Thread t : callers) {
                t.join(5000);
            }

            assertThat(most.get()).as("calls in flight on both nodes at once").isBetween(2, SLOTS);
            assertThat(callsA.get()).isPositive();
            assertThat(callsB.get()).isPositive();
        }
    }

    @Test
    void aNodeThatGoesAwayLeavesItsSlotsToTheOthers() throws Exception {
        try (SharedBudget b = new SharedBudget(dataSource, SLOTS, 0, "test-node-b", threads)) {
            SharedBudget a = new SharedBudget(dataSource, SLOTS, 0, "test-node-a", threads);
            for (int i = 0; i < SLOTS; i++) {
                a.acquire();
            }
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> acquire(b));
            Thread.sleep(500);
            assertThat(waiting).as("b has no slot while a holds them all").isNotDone();

            a.close(); // its session ends: PostgreSQL frees its advisory locks

            waiting.get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> b.held() == SLOTS);
        }
    }

    private static Thread caller(SharedBudget budget, AtomicInteger calls, AtomicInteger inFlight, AtomicInteger most, AtomicBoolean stop) {
        return new Thread(() -> {
            while (!stop.get()) {
                acquire(budget);
                most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inFlight.decrementAndGet();
                budget.release();
                calls.incrementAndGet();
            }
        });
    }

    private static void acquire(SharedBudget budget) {
        try {
            budget.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
