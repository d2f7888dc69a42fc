package dev.billing.bench;

import dev.billing.batch.PartitionNodes;
import dev.billing.batch.PartitionWorker;
import dev.billing.batch.PartitionWorkers;
import dev.billing.batch.Partitioning;
import dev.billing.charging.ChargeOrdersJobConfiguration;
import dev.billing.command.CliContext;
import dev.billing.command.ExecutionPrinter;
import dev.billing.command.ExitCodes;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayProperties;
import dev.billing.operations.JobRunner;
import dev.billing.simulator.ApsSimulator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
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
            "the bound C / L, and the peak heap. Run with the heap a deployment gets, e.g. java -Xmx512m -jar ...",
            "With --nodes N, N-1 serve processes are started beside it on the same database: the charge step's N partitions",
            "run on all N processes under one gateway budget of C calls, and the most calls the simulator saw at once is printed."})
public class BenchCommand implements Callable<Integer> {

    private final CliContext cli;

    @Option(names = "--orders", defaultValue = "20000", description = "Due orders (default ${DEFAULT-VALUE}).")
    int orders;

    @Option(names = "--latency-ms", defaultValue = "50", description = "Simulator latency (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "32", description = "Calls in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--nodes", defaultValue = "1",
            description = "Processes sharing the night and one gateway budget (default ${DEFAULT-VALUE}); the others are started here.")
    int nodes;

    BenchCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        if (nodes < 1) {
            cli.err().println("error: --nodes must be at least 1, not " + nodes);
            return ExitCodes.USAGE;
        }
        try (ThrowawayEngine sandbox = ThrowawayEngine.create(cli, "bench", Map.of("billing.gateway.max-concurrency", concurrency,
                "billing.simulator.latency", latencyMs + "ms", "billing.partitions.count", nodes,
                "billing.partitions.remote", nodes > 1))) {
            JdbcTemplate jdbc = sandbox.engine().bean(JdbcTemplate.class);
            BenchData.dueOrders(jdbc, orders, tokens());
            cli.out().printf("created %,d due orders on %,d verified tokens%n", orders, tokens());
            ApsClient client = sandbox.engine().bean(ApsClient.class);
            ApsSimulator simulator = sandbox.engine().bean(ApsSimulator.class);
            JobExecution execution;
            NodeProcesses others = nodes == 1 ? null : startNodes(sandbox, client.settings());
            PartitionWorker worker = nodes == 1 ? null : sandbox.engine().bean(PartitionWorkers.class).start();
            try {
                execution = sandbox.engine().bean(JobRunner.class).run(ChargeOrdersJobConfiguration.JOB_NAME, LocalDate.of(2026, 1, 1));
            } finally {
                if (worker != null) {
                    worker.close();
                }
                if (others != null) {
                    others.close();
                }
            }
            if (execution.getStatus() != BatchStatus.COMPLETED) {
                return ExecutionPrinter.printOutcome(cli, execution, false);
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
            cli.out().printf("gateway: at most %d calls in flight at once (budget %d)%n", simulator.maxInFlight(), concurrency);
            if (nodes > 1) {
                // the partitions ran in other processes: what they recorded is in the repository
                JobExecution recorded = sandbox.engine().bean(JobRepository.class).getJobExecution(execution.getId());
                for (StepExecution partition : Partitioning.partitionsOf(recorded, "charge")) {
                    cli.out().printf("  %s on %s: %,d orders%n", partition.getStepName(), PartitionNodes.nodes(partition),
                            partition.getReadCount());
                }
            }
            return paid == orders ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /** The other nodes: serve processes on this benchmark's database, calling its simulator with its credentials. */
    private NodeProcesses startNodes(ThrowawayEngine sandbox, GatewayProperties gateway) throws Exception {
        // serve needs a schedule: one that never fires while the benchmark runs, so that the nodes only take partitions
        java.nio.file.Path schedules = java.nio.file.Files.createDirectories(sandbox.work().resolve("schedules"));
        java.nio.file.Files.writeString(schedules.resolve("idle.yml"), """
                job: reconcile
                cron: "0 0 0 1 1 ? 2099"
                zone: UTC
                business-date: same-day
                catch-up-days: 0
                """);
        cli.out().printf("starting %d more nodes (serve) on the same database...%n", nodes - 1);
        NodeProcesses others = NodeProcesses.serve(nodes - 1, sandbox.work(), java.util.List.of(
                "--billing.data-dir=" + sandbox.work().resolve("data"), "--billing.reports.dir=" + sandbox.work().resolve("reports"),
                "--billing.schedules.dir=" + schedules, "--server.port=0", "--billing.gateway.url=" + gateway.url(),
                "--billing.gateway.max-concurrency=" + concurrency, "--billing.partitions.count=" + nodes,
                "--billing.gateway.signature-type=" + gateway.signatureType()),
                Map.of("BILLING_GATEWAY_ACCESS_CODE", gateway.accessCode(), "BILLING_GATEWAY_MERCHANT_IDENTIFIER", gateway.merchantIdentifier(),
                        "BILLING_GATEWAY_REQUEST_PHRASE", gateway.requestPhrase(), "BILLING_GATEWAY_RESPONSE_PHRASE", gateway.responsePhrase()),
                Duration.ofMinutes(3));
        cli.out().printf("nodes: this process and serve processes %s%n", others.pids());
        return others;
    }

    private int tokens() {
        return Math.max(1, orders / 5);
    }

    static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getPeakUsage)
                .mapToLong(usage -> usage == null ? 0 : usage.getUsed())
                .sum();
    }
}
