package dev.billing.bench;

import dev.billing.command.CliContext;
import dev.billing.command.ExitCodes;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway benchmark: signed PURCHASE round trips between the engine's client and the in-process simulator
 * (which records each one in PostgreSQL), with C calls in flight and L ms of added latency. Prints the rate and
 * its share of the bound C / L.
 */
@Command(name = "bench-gateway", mixinStandardHelpOptions = true,
        description = "Benchmarks signed PURCHASE round trips against the in-process simulator, in a throwaway embedded database.")
public class BenchGatewayCommand implements Callable<Integer> {

    private final CliContext cli;

    @Option(names = "--calls", defaultValue = "20000", description = "Round trips to time (default ${DEFAULT-VALUE}).")
    int calls;

    @Option(names = "--latency-ms", defaultValue = "0", description = "Latency the simulator adds to each reply (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "32", description = "Calls in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--budget", defaultValue = "shared",
            description = "The calls' budget: shared (the account's, through the database, as the engine calls) or local "
                    + "(this process's own, to measure what sharing costs); default ${DEFAULT-VALUE}.")
    String budget;

    BenchGatewayCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        try (ThrowawayEngine sandbox = ThrowawayEngine.create(cli, "bench-gateway", Map.of("billing.gateway.max-concurrency", concurrency,
                "billing.simulator.latency", latencyMs + "ms"))) {
            if (!budget.equals("shared") && !budget.equals("local")) {
                cli.err().println("error: --budget must be shared or local, not " + budget);
                return ExitCodes.USAGE;
            }
            ApsClient engineClient = sandbox.engine().bean(ApsClient.class);
            ApsClient client = budget.equals("local") ? new ApsClient(engineClient.settings()) : engineClient;
            Money amount = Money.parse("10.00", CurrencyUnit.require("AED"));
            int warmUp = Math.min(2_000, Math.max(100, calls / 10));
            roundTrips(client, concurrency, amount, "W", warmUp);
            long start = System.nanoTime();
            long failures = roundTrips(client, concurrency, amount, "B", calls);
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = calls / seconds;
            String bound = latencyMs > 0
                    ? String.format(", %.1f%% of the bound %,.0f/s (C / L)", 100 * rate / (concurrency * 1000.0 / latencyMs), concurrency * 1000.0 / latencyMs)
                    : "";
            cli.out().printf("%,d signed PURCHASE round trips in %.1f s with %d in flight (%s budget), %d ms latency: %,.0f per second%s%s%n",
                    calls, seconds, concurrency, budget, latencyMs, rate, bound, failures == 0 ? "" : "; " + failures + " did not succeed");
            return failures == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /** {@code count} signed PURCHASE calls, {@code concurrency} at a time; returns how many did not succeed. */
    static long roundTrips(ApsClient client, int concurrency, Money amount, String prefix, int count) throws InterruptedException {
        ExecutorService callers = Executors.newFixedThreadPool(concurrency);
        AtomicInteger next = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        String runId = Long.toString(System.nanoTime(), 36);
        for (int t = 0; t < concurrency; t++) {
            Future<?> unused = callers.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    GatewayReply reply = client.purchase(prefix + "-" + runId + "-" + i, amount, "bench-token", "bench@example.com", null,
                            "AGR-bench");
                    if (reply.outcome() != OutcomeClass.SUCCESS) {
                        failures.incrementAndGet();
                    }
                }
            });
        }
        callers.shutdown();
        callers.awaitTermination(1, TimeUnit.HOURS);
        return failures.get();
    }
}
