package dev.billing.bench;

import dev.billing.batch.StepSummary;
import dev.billing.command.CliContext;
import dev.billing.command.ExitCodes;
import dev.billing.gateway.ApsReporting;
import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.GatewayReports;
import dev.billing.operations.JobRunner;
import dev.billing.reconciliation.ReconciliationReports;
import dev.billing.simulator.ApsSimulator;
import dev.billing.support.EngineProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway report benchmark: in a throwaway embedded database, N charges made across yesterday (in the ledger and at
 * the built-in simulator), then {@code reconcile} for yesterday, which fetches the gateway's transaction report from the
 * simulator's Reporting API in windows of at most {@link ApsReporting#MAX_ROWS} rows and matches it with the ledger.
 * Prints the time, the windows, the matching classes and the peak heap: run it with a small {@code -Xmx} to see that
 * neither the report nor the matching is held in memory.
 */
@Command(name = "bench-report", mixinStandardHelpOptions = true,
        description = {"Benchmarks the nightly match with the gateway's own report: N charges across yesterday, then reconcile,",
            "which fetches the report from the in-process simulator's Reporting API in windows of at most 200,000 rows and",
            "matches it with the ledger, in a throwaway embedded database. Prints the time, the windows, the matching and the",
            "peak heap (run it with -Xmx256m)."})
public class BenchReportCommand implements Callable<Integer> {

    private final CliContext cli;

    @Option(names = "--rows", defaultValue = "1000000", description = "Charges, and so report rows (default ${DEFAULT-VALUE}).")
    int rows;

    BenchReportCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        if (rows < 1) {
            cli.err().println("error: --rows must be at least 1");
            return ExitCodes.USAGE;
        }
        try (ThrowawayEngine sandbox = ThrowawayEngine.create(cli, "bench-report", Map.of());
             BenchNightCommand.HeapSampler heap = new BenchNightCommand.HeapSampler()) {
            JdbcTemplate jdbc = sandbox.engine().bean(JdbcTemplate.class);
            sandbox.engine().bean(ApsSimulator.class); // its schema, before its records are written
            JobRunner runner = sandbox.engine().bean(JobRunner.class);
            LocalDate date = runner.today().minusDays(1);
            // the ledger's rows name a gateway other than the simulator, so that matching pairs them with the report's rows as it
            // does real money's (the simulator's own movements are classed SIMULATED whatever the report says)
            BenchData.chargedOrders(jdbc, "BP", rows, date, GatewayProperties.SIMULATOR_MERCHANT,
                    date.atStartOfDay(sandbox.engine().bean(EngineProperties.class).zone()).toInstant(), "bench-report.invalid");
            jdbc.execute("ANALYZE orders, payment_attempts, aps_simulator.orders");
            cli.out().printf("%,d charges made across %s; reconciling it with the gateway's report, fetched in windows of at most %,d rows%n",
                    rows, date, sandbox.engine().bean(GatewayReports.class).maxRows());
            long started = System.nanoTime();
            JobExecution reconcile = runner.run("reconcile", date);
            double seconds = (System.nanoTime() - started) / 1e9;
            if (reconcile.getStatus() != BatchStatus.COMPLETED) {
                cli.err().printf("error: reconcile ended %s: %s%n", reconcile.getStatus(), reconcile.getExitStatus().getExitDescription());
                return ExitCodes.FAILED;
            }
            for (StepExecution step : reconcile.getStepExecutions()) {
                StepSummary.of(step).forEach(line -> cli.out().println("  " + line));
            }
            Path summary = sandbox.engine().bean(ReconciliationReports.class).directory(date).resolve("summary-" + date + ".csv");
            List<String> matching = Files.readAllLines(summary).stream().filter(l -> l.contains(",MATCHING,")).toList();
            matching.forEach(line -> cli.out().println("  summary: " + line));
            long matched = matching.stream().filter(l -> l.startsWith("AED,MATCHING,MATCHED,")).mapToLong(l -> Long.parseLong(l.split(",", -1)[3]))
                    .sum();
            cli.out().printf("reconciled %,d charges with the gateway's report in %.1f s; %,d matched; peak heap %,d MB of %,d MB max"
                    + " (sampled every 50 ms)%n", rows, seconds, matched, heap.peak() >> 20, Runtime.getRuntime().maxMemory() >> 20);
            return matched == rows && matching.size() == 1 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
