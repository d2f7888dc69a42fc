package dev.billing.bench;

import dev.billing.command.CliContext;
import dev.billing.command.ExitCodes;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayProperties;
import dev.billing.refunds.RefundFile;
import dev.billing.refunds.RefundService;
import dev.billing.simulator.ApsSimulator;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The refunds benchmark: in a throwaway embedded database, N orders charged (in the ledger and at the built-in
 * simulator), refunded in full by {@code refund --file}'s path against the simulator answering after L ms with C
 * calls in flight. Prints refunds per second and that rate as a share of the bound C / L.
 */
@Command(name = "bench-refunds", mixinStandardHelpOptions = true,
        description = {"Benchmarks refunds: N charged orders refunded from a file (each a request, a ledger row committed before its",
            "REFUND, the reply recorded), against the in-process simulator answering after L ms with C in flight, in a throwaway",
            "embedded database. Prints refunds per second, that rate as a share of the bound C / L, and the peak heap."})
public class BenchRefundsCommand implements Callable<Integer> {

    private static final LocalDate NIGHT = LocalDate.of(2026, 1, 1);

    private final CliContext cli;

    @Option(names = "--refunds", defaultValue = "10000", description = "Refunds (default ${DEFAULT-VALUE}).")
    int refunds;

    @Option(names = "--latency-ms", defaultValue = "50", description = "Simulator latency (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "32", description = "Calls in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    BenchRefundsCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        if (refunds < 1 || concurrency < 1 || latencyMs < 0) {
            cli.err().println("error: --refunds and --concurrency must be at least 1, --latency-ms at least 0");
            return ExitCodes.USAGE;
        }
        try (ThrowawayEngine sandbox = ThrowawayEngine.create(cli, "bench-refunds", Map.of("billing.gateway.max-concurrency", concurrency,
                "billing.simulator.latency", latencyMs + "ms"))) {
            JdbcTemplate jdbc = sandbox.engine().bean(JdbcTemplate.class);
            ApsSimulator simulator = sandbox.engine().bean(ApsSimulator.class); // its schema, before its records are written
            BenchData.chargedOrders(jdbc, "BR", refunds, NIGHT, GatewayProperties.SIMULATOR_MERCHANT);
            jdbc.execute("ANALYZE orders, tokens, payment_attempts");
            Path file = sandbox.work().resolve("refunds.csv");
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                out.write("order_id,amount,currency,reason\n");
                for (int i = 1; i <= refunds; i++) {
                    out.write("BR-" + i + ",,AED,bench\n");
                }
            }
            cli.out().printf("%,d charged orders; refunding them in full from a file, %d in flight, the simulator answering after %d ms%n",
                    refunds, concurrency, latencyMs);
            // the gateway's client is built lazily (commands that call nothing never build it): built here, before the clock
            // starts, as `bench` builds it before its timed job
            sandbox.engine().bean(ApsClient.class);
            long started = System.nanoTime();
            RefundFile.Summary summary = sandbox.engine().bean(RefundFile.class).refund(file, "bench", line -> { });
            double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
            int refunded = summary.count(RefundService.Result.REFUNDED);
            double rate = refunded / seconds;
            String bound = latencyMs > 0 ? String.format(", %.1f%% of the bound %,.0f/s (C / L)",
                    100 * rate / (concurrency * 1000.0 / latencyMs), concurrency * 1000.0 / latencyMs) : "";
            long atGateway = jdbc.queryForObject("SELECT count(*) FROM aps_simulator.maintenance WHERE command = 'REFUND' AND response_code = '06000'",
                    Long.class);
            cli.out().printf("refunded %,d orders in %.1f s: %,.0f refunds per second%s; %,d refunds at the gateway; peak heap %,d MB of %,d MB max%n",
                    refunded, seconds, rate, bound, atGateway, BenchCommand.peakHeap() >> 20, Runtime.getRuntime().maxMemory() >> 20);
            cli.out().printf("gateway: at most %d calls in flight at once (budget %d)%n", simulator.maxInFlight(), concurrency);
            return refunded == refunds && atGateway == refunds ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
