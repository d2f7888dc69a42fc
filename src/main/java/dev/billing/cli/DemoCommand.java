package dev.billing.cli;

import dev.billing.batch.ExecutionOwnership;
import dev.billing.batch.JobLauncherService.AlreadyCompletedException;
import dev.billing.command.CliContext;
import dev.billing.command.ExitCodes;
import dev.billing.importing.ImportService.ImportResult;
import dev.billing.importing.ImportService;
import dev.billing.operations.GracefulStop;
import dev.billing.operations.JobControl;
import dev.billing.operations.JobRunner;
import dev.billing.operations.NightlyJobConfiguration;
import dev.billing.reconciliation.ReconcileJobConfiguration;
import dev.billing.reconciliation.SummaryBuilder;
import dev.billing.reconciliation.SummaryReport;
import dev.billing.refunds.RefundFile;
import dev.billing.refunds.RefundService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.batch.core.job.JobExecution;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Imports sample-data/ (again: importing is idempotent), runs nightly for today against the built-in",
            "gateway simulator (unless billing.gateway.url is set), and prints what happened and where the reports are.",
            "The night is SIMULATED: no card is charged."})
class DemoCommand implements Callable<Integer> {

    private final CliContext cli;

    DemoCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws IOException {
        // demo chooses the built-in simulator (billing.gateway.url, when set, still wins)
        cli.engine().override(java.util.Map.of("billing.gateway.simulator", "true"));
        if (cli.engine().userValue("billing.enrolment.secret").isEmpty() && cli.engine().userValue("billing.enrolment.secret-file").isEmpty()
                && System.getenv("BILLING_ENROLMENT_SECRET") == null && System.getenv("BILLING_ENROLMENT_SECRET_FILE") == null) {
            // the customers' notices carry signed links: a key of this demo's own when none is set (a serve started later
            // with another key refuses these links, as it should)
            byte[] key = new byte[24];
            new java.security.SecureRandom().nextBytes(key);
            cli.engine().override(java.util.Map.of("billing.enrolment.secret", java.util.HexFormat.of().formatHex(key)));
        }
        Path data = sampleData();
        ImportResult imported = cli.engine().bean(ImportService.class).importFiles(data.resolve("tokens.csv"), data.resolve("orders.csv"));
        imported.perFile().forEach((file, counts) -> cli.out().println("imported " + file + ": " + counts));
        JobRunner runner = cli.engine().bean(JobRunner.class);
        LocalDate today = runner.today();
        GracefulStop.install(cli.engine().bean(JobControl.class), cli.engine().bean(ExecutionOwnership.class), cli.err());
        JobExecution nightly;
        try {
            cli.out().println("running nightly for " + today + " (verify-tokens, charge-orders, deactivate-tokens, reconcile)");
            nightly = runner.run(NightlyJobConfiguration.JOB_NAME, today);
        } catch (AlreadyCompletedException e) {
            cli.out().println("nightly for " + today + " already completed (execution " + e.completed().getId() + "); its outcome:");
            nightly = e.completed();
        }
        int code = RunCommand.report(cli, nightly);
        if (code == ExitCodes.OK && Files.isRegularFile(data.resolve("refunds.csv"))) {
            refund(runner, data.resolve("refunds.csv"), today);
        }
        printPerCurrency(cli.engine().bean(SummaryReport.class).rows(today));
        RunCommand.deliverEvents(cli);
        return code;
    }

    /**
     * Refunds the sample's refunds (a file run again refunds nothing twice), then writes the date's reports again, so that
     * they show the refunds: each belongs to the date it was sent, today.
     */
    private void refund(JobRunner runner, Path file, LocalDate today) {
        RefundFile.Summary refunds;
        try {
            refunds = cli.engine().bean(RefundFile.class).refund(file, "demo", line -> { });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        cli.out().printf("refunds (%s): %d refunded, %d waiting for a second person's approval (the console's Refunds page), %d rejected%s%n",
                file.getFileName(), refunds.count(RefundService.Result.REFUNDED), refunds.count(RefundService.Result.WAITING),
                refunds.count(RefundService.Result.REFUSED) + refunds.count(RefundService.Result.FAILED),
                refunds.rejects() == null ? "" : " (" + refunds.rejects() + ")");
        JobExecution reconcile = runner.run(ReconcileJobConfiguration.JOB_NAME, today);
        cli.out().println("reports of " + today + " written again with the refunds: reconcile " + reconcile.getStatus());
    }

    /** The night per currency: the CONTROL_ORDERS rows of the summary, the same rows its file holds, and the refunds and the net. */
    private void printPerCurrency(List<SummaryBuilder.Row> rows) {
        Map<String, Map<String, String>> byCurrency = new LinkedHashMap<>();
        for (SummaryBuilder.Row row : rows) {
            String[] csv = row.toCsv();
            if (row.kind().equals("CONTROL_ORDERS")) {
                byCurrency.computeIfAbsent(row.currency(), c -> new LinkedHashMap<>()).put(row.outcome(), csv[3] + " (" + csv[4] + ")");
            } else if (row.kind().equals("REFUND") && row.outcome().equals("SUCCESS")) {
                byCurrency.computeIfAbsent(row.currency(), c -> new LinkedHashMap<>()).put("REFUNDED", csv[3] + " (" + csv[4] + ")");
            } else if (row.kind().equals("CONTROL_LEDGER")) {
                byCurrency.computeIfAbsent(row.currency(), c -> new LinkedHashMap<>()).put("NET", csv[4]);
            }
        }
        if (byCurrency.isEmpty()) {
            return;
        }
        cli.out().println();
        cli.out().printf("%-8s %-20s %-20s %-20s %-20s %-20s %-20s %-14s%n", "currency", "charged", "declined (retry)", "failed", "held",
                "unknown", "refunded", "net");
        byCurrency.forEach((currency, v) -> cli.out().printf("%-8s %-20s %-20s %-20s %-20s %-20s %-20s %-14s%n", currency,
                v.getOrDefault("CHARGED", "0"), v.getOrDefault("DECLINED", "0"), v.getOrDefault("FAILED", "0"), v.getOrDefault("HELD", "0"),
                v.getOrDefault("UNKNOWN", "0"), v.getOrDefault("REFUNDED", "0"), v.getOrDefault("NET", "0")));
    }

    /** {@code ./sample-data}, or the copy inside the jar when run elsewhere. */
    private static Path sampleData() throws IOException {
        Path local = Path.of("sample-data");
        if (Files.isRegularFile(local.resolve("tokens.csv")) && Files.isRegularFile(local.resolve("orders.csv"))) {
            return local;
        }
        Path extracted = Files.createTempDirectory("billing-sample-data");
        for (String name : List.of("tokens.csv", "orders.csv", "refunds.csv")) {
            try (InputStream in = DemoCommand.class.getResourceAsStream("/sample-data/" + name)) {
                if (in == null) {
                    throw new IOException("sample-data/" + name + " is neither here nor in the jar");
                }
                Files.copy(in, extracted.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return extracted;
    }
}
