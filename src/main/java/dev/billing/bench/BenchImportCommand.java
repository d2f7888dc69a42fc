package dev.billing.bench;

import dev.billing.command.CliContext;
import dev.billing.command.ExecutionPrinter;
import dev.billing.command.ExitCodes;
import dev.billing.importing.ImportService.ImportResult;
import dev.billing.importing.ImportService;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.step.StepExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The import benchmark: writes an orders file of N rows, imports it into a throwaway embedded database, and
 * prints the rate of the orders step and the peak heap. Run it with the heap a deployment would give the engine,
 * e.g. {@code java -Xmx512m -jar target/billing-engine.jar bench-import --rows 1000000}.
 */
@Command(name = "bench-import", mixinStandardHelpOptions = true,
        description = "Benchmarks the import of N order rows into a throwaway embedded database.")
public class BenchImportCommand implements Callable<Integer> {

    private final CliContext cli;

    @Option(names = "--rows", defaultValue = "1000000", description = "Order rows to import (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--tokens", defaultValue = "1000", description = "Distinct tokens the orders use (default ${DEFAULT-VALUE}).")
    int tokens;

    BenchImportCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws IOException {
        try (ThrowawayEngine sandbox = ThrowawayEngine.create(cli, "bench-import", Map.of())) {
            Path work = sandbox.work();
            Path tokensFile = work.resolve("tokens.csv");
            Path ordersFile = work.resolve("orders.csv");
            writeFiles(tokensFile, ordersFile);
            cli.out().printf("wrote %,d order rows (%,d MB) in %s%n", rows, Files.size(ordersFile) >> 20, work);
            ImportResult result = sandbox.engine().bean(ImportService.class).importFiles(tokensFile, ordersFile);
            if (result.execution().getStatus() != BatchStatus.COMPLETED) {
                return ExecutionPrinter.printOutcome(cli, result.execution(), false);
            }
            StepExecution orders = result.execution().getStepExecutions().stream()
                    .filter(s -> s.getStepName().equals("import-orders")).findFirst().orElseThrow();
            Duration took = Duration.between(orders.getStartTime(), orders.getEndTime());
            double seconds = Math.max(0.001, took.toMillis() / 1000.0);
            cli.out().printf("imported %,d order rows in %.1f s: %,.0f rows/s; peak heap %,d MB of %,d MB max%n",
                    orders.getReadCount(), seconds, orders.getReadCount() / seconds, BenchCommand.peakHeap() >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
            return ExitCodes.OK;
        }
    }

    /** The currencies of generated orders: two of two decimals, one of three, one of none. */
    static final String[] CURRENCIES = {"AED", "SAR", "KWD", "JPY"};

    /** The i-th generated order's amount, written with its currency's digits. */
    static String amount(int i, String currency) {
        long units = 1 + (i * 7919L) % 5000;
        return switch (currency) {
            case "KWD" -> units + "." + String.format("%03d", i % 1000);
            case "JPY" -> Long.toString(units * 10);
            default -> units + "." + String.format("%02d", i % 100);
        };
    }

    private void writeFiles(Path tokensFile, Path ordersFile) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(tokensFile)) {
            out.write("token_name,customer_id,customer_email,card_mask,card_expiry,created_at,status\n");
            for (int i = 0; i < tokens; i++) {
                out.write("bench-tok-" + i + ",C" + i + ",c" + i + "@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,VERIFIED\n");
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(ordersFile)) {
            out.write("order_id,customer_id,token_name,amount,currency,status,charge_on\n");
            for (int i = 0; i < rows; i++) {
                int t = i % tokens;
                String currency = CURRENCIES[i % CURRENCIES.length];
                String amount = amount(i, currency);
                String status = i % 5 == 0 ? "DEFERRED,2026-12-01" : "SHIPPED,";
                out.write("B-" + i + ",C" + t + ",bench-tok-" + t + "," + amount + "," + currency + "," + status + "\n");
            }
        }
    }

}
