package dev.billing.bench;

import dev.billing.batch.PartitionNodes;
import dev.billing.batch.PartitionWorker;
import dev.billing.batch.PartitionWorkers;
import dev.billing.batch.Partitioning;
import dev.billing.batch.TokenPartition;
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
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
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
            "run on all N processes under one gateway budget of C calls, and the most calls the simulator saw at once is printed.",
            "--kill-one kills one of those serve processes with SIGKILL while it runs a partition; --restart-all restarts each in",
            "turn (SIGTERM, then started again) while the night runs. Both print the failover gap (from the kill or SIGTERM to the",
            "next charge of that node's partition on another node) and the night's exactly-once check."})
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

    @Option(names = "--kill-one", description = "With --nodes: kill one serve node (SIGKILL) while it runs a partition; prints the failover gap.")
    boolean killOne;

    @Option(names = "--restart-all", description = "With --nodes: restart every serve node in turn (SIGTERM, start again) while the night runs.")
    boolean restartAll;

    @Option(names = "--slow-account-latency-ms",
            description = "Also a second APS account ('slow') answering after this many ms, with a budget of C calls of its own, on"
                    + " every eleventh token: prints each account's charges a second, the first one's as a share of its own bound C / L.")
    Long slowAccountLatencyMs;

    BenchCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        if (nodes < 1) {
            cli.err().println("error: --nodes must be at least 1, not " + nodes);
            return ExitCodes.USAGE;
        }
        if ((killOne || restartAll) && nodes < 2) {
            cli.err().println("error: --kill-one and --restart-all need other nodes to fail over to: give --nodes 3, for example");
            return ExitCodes.USAGE;
        }
        if (killOne && restartAll) {
            cli.err().println("error: give --kill-one or --restart-all, not both");
            return ExitCodes.USAGE;
        }
        if (slowAccountLatencyMs != null && (nodes > 1 || slowAccountLatencyMs < 1 || latencyMs < 1)) {
            cli.err().println("error: --slow-account-latency-ms takes a latency of 1 ms or more, with --latency-ms of 1 or more, on one node");
            return ExitCodes.USAGE;
        }
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("billing.gateway.max-concurrency", concurrency,
                "billing.simulator.latency", latencyMs + "ms", "billing.partitions.count", nodes,
                "billing.partitions.remote", nodes > 1));
        if (slowAccountLatencyMs != null) {
            settings.put("billing.gateway.accounts.slow.max-concurrency", concurrency);
            settings.put("billing.simulator.account-latency.slow", slowAccountLatencyMs + "ms");
        }
        try (ThrowawayEngine sandbox = ThrowawayEngine.create(cli, "bench", settings)) {
            JdbcTemplate jdbc = sandbox.engine().bean(JdbcTemplate.class);
            BenchData.dueOrders(jdbc, orders, tokens());
            cli.out().printf("created %,d due orders on %,d verified tokens%n", orders, tokens());
            if (slowAccountLatencyMs != null) {
                int moved = jdbc.update("UPDATE tokens SET account = 'slow' WHERE substring(token_name FROM 11)::int % 11 = 0");
                cli.out().printf("%,d of the tokens (every eleventh) belong to account 'slow', answering after %d ms%n", moved,
                        slowAccountLatencyMs);
            }
            ApsClient client = sandbox.engine().bean(ApsClient.class);
            ApsSimulator simulator = sandbox.engine().bean(ApsSimulator.class);
            JobExecution execution;
            NodeProcesses others = nodes == 1 ? null : startNodes(sandbox, client.settings());
            PartitionWorker worker = nodes == 1 ? null : sandbox.engine().bean(PartitionWorkers.class).start();
            Disruption disruption = killOne || restartAll ? new Disruption(sandbox, others) : null;
            try {
                if (disruption != null) {
                    disruption.start();
                }
                execution = sandbox.engine().bean(JobRunner.class).run(ChargeOrdersJobConfiguration.JOB_NAME, LocalDate.of(2026, 1, 1));
                if (disruption != null) {
                    disruption.join();
                }
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
            if (slowAccountLatencyMs != null) {
                printAccount(jdbc, "default", latencyMs);
                printAccount(jdbc, "slow", slowAccountLatencyMs);
            }
            if (nodes > 1) {
                // the partitions ran in other processes: what they recorded is in the repository
                JobExecution recorded = sandbox.engine().bean(JobRepository.class).getJobExecution(execution.getId());
                for (StepExecution partition : Partitioning.partitionsOf(recorded, "charge")) {
                    cli.out().printf("  %s on %s: %,d orders%n", partition.getStepName(), PartitionNodes.nodes(partition),
                            partition.getReadCount());
                }
            }
            boolean once = true;
            if (disruption != null) {
                once = disruption.report(jdbc, paid);
            }
            return paid == orders && once ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /**
     * One account's charges of the night: how many, in how long (its first row prepared to its last settled), and the rate
     * it kept over its middle 80% of charges (its start and its last chunk left out), as a share of its own bound C / L.
     */
    private void printAccount(JdbcTemplate jdbc, String account, long latency) {
        AccountLane lane = AccountLane.of(jdbc, account);
        if (lane.charges() < 10) {
            cli.out().printf("account %s: %,d charges%n", account, lane.charges());
            return;
        }
        double bound = concurrency * 1000.0 / latency;
        cli.out().printf("account %s: %,d charges in %.1f s; its middle 80%% at %,.1f/s = %.1f%% of its bound %,.0f/s (C / L, L = %d ms);"
                + " whole night %.1f%%%n", account, lane.charges(), lane.seconds(), lane.middleRate(), 100 * lane.middleRate() / bound, bound,
                latency, 100 * lane.charges() / lane.seconds() / bound);
    }

    /** A node killed or sent SIGTERM at {@code at} while it ran {@code partition}. */
    private record Event(String what, TokenPartition partition, Timestamp at) {
    }

    /** What --kill-one and --restart-all do to the serve nodes while the night runs, on a thread of its own. */
    private final class Disruption extends Thread {

        private final ThrowawayEngine sandbox;
        private final NodeProcesses others;
        private final List<Event> events = new CopyOnWriteArrayList<>();
        private volatile String problem;

        Disruption(ThrowawayEngine sandbox, NodeProcesses others) {
            super("bench-disruption");
            setDaemon(true);
            this.sandbox = sandbox;
            this.others = others;
        }

        @Override
        public void run() {
            try {
                disrupt();
            } catch (Exception e) {
                problem = e.toString();
            }
        }

        private void disrupt() throws Exception {
            JdbcTemplate jdbc = sandbox.engine().bean(JdbcTemplate.class);
            if (!awaitEveryPartitionRunning()) {
                problem = "the night ended before every partition ran; give more --orders";
                return;
            }
            if (killOne) {
                StepExecution victim = running().stream().filter(p -> serveNode(p) >= 0).findFirst().orElseThrow();
                int i = serveNode(victim);
                List<StepExecution> its = running().stream().filter(p -> serveNode(p) == i).toList();
                long pid = others.pids().get(i);
                Timestamp at = now(jdbc);
                others.kill(i);
                cli.out().printf("killed node %d (pid %d) with SIGKILL while it ran %s%n", i + 2, pid, names(its));
                its.forEach(p -> events.add(new Event("node " + (i + 2) + " killed", TokenPartition.of(p.getExecutionContext()), at)));
                return;
            }
            for (int i = 0; i < others.size(); i++) {
                if (running().isEmpty()) {
                    problem = "the night ended before every node was restarted (node " + (i + 2) + " was not); give more --orders";
                    return;
                }
                int node = i;
                List<StepExecution> its = running().stream().filter(p -> serveNode(p) == node).toList();
                Timestamp at = now(jdbc);
                long began = System.nanoTime();
                int code = others.terminate(i, Duration.ofMinutes(3));
                cli.out().printf("node %d: SIGTERM while it ran %s; ended in %.1f s (exit %d)%n", i + 2, its.isEmpty() ? "no partition" : names(its),
                        (System.nanoTime() - began) / 1e9, code);
                its.forEach(p -> events.add(new Event("node " + (node + 2) + " SIGTERM", TokenPartition.of(p.getExecutionContext()), at)));
                others.restart(i, Duration.ofMinutes(3));
                cli.out().printf("node %d: started again (pid %d)%n", i + 2, others.pids().get(i));
            }
        }

        private boolean awaitEveryPartitionRunning() throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            boolean began = false;
            while (System.nanoTime() < deadline) {
                List<StepExecution> running = running();
                began |= !running.isEmpty();
                if (running.size() == nodes && running.stream().anyMatch(p -> serveNode(p) >= 0)) {
                    return true;
                }
                if (began && running.isEmpty()) {
                    return false;
                }
                Thread.sleep(200);
            }
            return false;
        }

        /** The partitions of the night's charge step running now on a node that has recorded itself. */
        private List<StepExecution> running() {
            JobRepository repository = sandbox.engine().bean(JobRepository.class);
            return repository.findRunningJobExecutions(ChargeOrdersJobConfiguration.JOB_NAME).stream()
                    .map(e -> repository.getJobExecution(e.getId()))
                    .flatMap(e -> Partitioning.partitionsOf(e, "charge").stream())
                    .filter(p -> p.getStatus() == BatchStatus.STARTED && PartitionNodes.node(p) != null).toList();
        }

        /** The serve node (index) running a partition; -1 for this process. */
        private int serveNode(StepExecution partition) {
            String node = PartitionNodes.node(partition);
            return others.indexOf(Long.parseLong(node.substring(node.lastIndexOf(':') + 1)));
        }

        private static String names(List<StepExecution> partitions) {
            return String.join(", ", partitions.stream().map(p -> TokenPartition.of(p.getExecutionContext()).toString()).toList());
        }

        private static Timestamp now(JdbcTemplate jdbc) {
            return jdbc.queryForObject("SELECT clock_timestamp()", Timestamp.class);
        }

        /** Prints each gap and the longest, then the exactly-once check; false when something was charged twice or lost. */
        boolean report(JdbcTemplate jdbc, long paid) {
            if (problem != null) {
                cli.out().println("disruption: " + problem);
            }
            double longest = 0;
            for (Event event : events) {
                Timestamp next = jdbc.queryForObject("SELECT min(created_at) FROM payment_attempts WHERE kind = 'CHARGE' AND created_at > ?"
                        + event.partition().filter("token_name"), Timestamp.class, event.at());
                if (next == null) {
                    cli.out().printf("  %s: %s was never charged again (it had finished)%n", event.what(), event.partition());
                    continue;
                }
                double gap = (next.getTime() - event.at().getTime()) / 1000.0;
                longest = Math.max(longest, gap);
                cli.out().printf("  %s: %s charged again %.1f s later%n", event.what(), event.partition(), gap);
            }
            if (!events.isEmpty()) {
                cli.out().printf("failover: %.1f s%n", longest);
            }
            long captured = jdbc.queryForObject("SELECT count(*) FROM aps_simulator.orders WHERE captured_amount > 0", Long.class);
            long twice = jdbc.queryForObject("""
                    SELECT count(*) FROM (SELECT a.order_id FROM aps_simulator.orders s
                    JOIN payment_attempts a ON a.merchant_reference = s.merchant_reference
                    WHERE s.captured_amount > 0 AND a.kind = 'CHARGE' GROUP BY a.order_id HAVING count(*) > 1) twice""", Long.class);
            long open = jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE state IN ('PREPARED', 'UNKNOWN')", Long.class);
            boolean once = paid == orders && captured == orders && twice == 0 && open == 0;
            cli.out().printf("exactly once: %s (%,d of %,d orders PAID, %,d captured at the gateway, %,d charged twice, %,d ledger rows left open)%n",
                    once ? "yes" : "NO", paid, orders, captured, twice, open);
            return once && problem == null;
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
