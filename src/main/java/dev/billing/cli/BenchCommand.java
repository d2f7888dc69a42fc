package dev.billing.cli;

import dev.billing.charging.ChargeOrdersJobConfiguration;
import dev.billing.operations.JobRunner;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The charge-orders benchmark: in a throwaway embedded database, N due orders on verified tokens, charged by the
 * real job against the in-process simulator answering after L ms with C calls in flight.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks charge-orders: N due orders on verified tokens, charged against the in-process simulator",
            "answering after L ms, in a throwaway embedded database. Prints orders per second, that rate as a share of",
            "the bound C / L, and the peak heap. Run with the heap a deployment gets, e.g. java -Xmx512m -jar ..."})
class BenchCommand implements Callable<Integer> {

    private final CliContext cli;

    @Option(names = "--orders", defaultValue = "20000", description = "Due orders (default ${DEFAULT-VALUE}).")
    int orders;

    @Option(names = "--latency-ms", defaultValue = "50", description = "Simulator latency (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "32", description = "Calls in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    BenchCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        try (ThrowawayEngine sandbox = ThrowawayEngine.create(cli, "bench", Map.of("billing.gateway.max-concurrency", concurrency,
                "billing.simulator.latency", latencyMs + "ms"))) {
            JdbcTemplate jdbc = sandbox.engine().bean(JdbcTemplate.class);
            createDueOrders(jdbc);
            cli.out().printf("created %,d due orders on %,d verified tokens%n", orders, tokens());
            JobExecution execution = sandbox.engine().bean(JobRunner.class).run(ChargeOrdersJobConfiguration.JOB_NAME, LocalDate.of(2026, 1, 1));
            if (execution.getStatus() != BatchStatus.COMPLETED) {
                return ExecutionPrinter.printOutcome(cli, execution);
            }
            StepExecution charge = execution.getStepExecutions().stream()
                    .filter(s -> s.getStepName().equals("charge")).findFirst().orElseThrow();
            double seconds = Math.max(0.001, Duration.between(charge.getStartTime(), charge.getEndTime()).toMillis() / 1000.0);
            double rate = charge.getReadCount() / seconds;
            String bound = latencyMs > 0 ? String.format(", %.1f%% of the bound %,.0f/s (C / L)",
                    100 * rate / (concurrency * 1000.0 / latencyMs), concurrency * 1000.0 / latencyMs) : "";
            long paid = jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class);
            cli.out().printf("charged %,d orders in %.1f s: %,.0f orders per second%s; %,d PAID; peak heap %,d MB of %,d MB max%n",
                    charge.getReadCount(), seconds, rate, bound, paid, peakHeap() >> 20, Runtime.getRuntime().maxMemory() >> 20);
            return paid == orders ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    private int tokens() {
        return Math.max(1, orders / 5);
    }

    private void createDueOrders(JdbcTemplate jdbc) {
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT 'bench-tok-' || i, 'C' || i, 'c' || i || '@example.com', '400555******0001', '05/29', now(), 'VERIFIED',
                       'AGR-bench-' || i
                FROM generate_series(1, ?) AS i""", tokens());
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                SELECT 'B-' || i, 'C' || (i % ? + 1), 'bench-tok-' || (i % ? + 1), 100 + i % 10000, 'AED', 'SHIPPED'
                FROM generate_series(1, ?) AS i""", tokens(), tokens(), orders);
    }

    static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getPeakUsage)
                .mapToLong(usage -> usage == null ? 0 : usage.getUsed())
                .sum();
    }
}
