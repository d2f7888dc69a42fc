package dev.billing.cli;

import dev.billing.command.CliContext;
import dev.billing.command.ExecutionPrinter;
import dev.billing.command.ExitCodes;
import dev.billing.importing.ImportCounters;
import dev.billing.importing.ImportService.ImportResult;
import dev.billing.importing.ImportService;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.batch.core.BatchStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Loads or updates tokens and orders from CSV files (tokens first).",
            "Exit codes: 0 all rows loaded; 3 some rows rejected (the valid rows are loaded); 2 usage error or unreadable file."})
class ImportCommand implements Callable<Integer> {

    private final CliContext cli;

    @Option(names = "--tokens", paramLabel = "FILE", description = "tokens.csv: token_name,customer_id,customer_email,card_mask,card_expiry,created_at[,status]")
    Path tokens;

    @Option(names = "--orders", paramLabel = "FILE", description = "orders.csv: order_id,customer_id,token_name,amount,currency,status,charge_on")
    Path orders;

    ImportCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        ImportService service = cli.engine().bean(ImportService.class);
        ImportResult result = service.importFiles(tokens, orders);
        for (Map.Entry<String, ImportCounters> file : result.perFile().entrySet()) {
            cli.out().println(file.getKey() + ": " + file.getValue());
        }
        result.rejectsFiles().forEach((file, rejects) -> cli.out().println("rejected rows of " + file + " with the reasons: " + rejects));
        if (result.execution().getStatus() != BatchStatus.COMPLETED) {
            return ExecutionPrinter.printOutcome(cli, result.execution(), false);
        }
        long rejected = result.rejected();
        cli.out().println(String.format("import COMPLETED (execution %d): %,d rows loaded, %,d rejected",
                result.execution().getId(), result.perFile().values().stream().mapToLong(ImportCounters::loaded).sum(), rejected));
        return rejected > 0 ? ExitCodes.ROWS_REJECTED : ExitCodes.OK;
    }
}
