package dev.billing.cli;

import dev.billing.batch.Partitioning;
import dev.billing.command.CliContext;
import dev.billing.command.ExitCodes;
import dev.billing.database.DatabaseBackup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Writes a consistent copy of the engine's database to DIR (missing or empty), while serve or a night may run:",
            "every table as of one instant, every sequence, the schema version; the owner's only. 'restore --from DIR' brings it back."})
class BackupCommand implements Callable<Integer> {

    private final CliContext cli;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "Where the backup goes (missing or empty).")
    Path to;

    BackupCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        if (!DatabaseBackup.usable(to)) {
            cli.err().println("error: " + to + " is not empty; give a new or empty directory for the backup");
            return ExitCodes.USAGE;
        }
        long started = System.nanoTime();
        DatabaseBackup.Summary done = DatabaseBackup.backup(cli.engine().bean(DataSource.class), to,
                java.util.Set.of(Partitioning.REQUESTS_TABLE));
        cli.out().printf("backup of schema version %s written to %s: %d tables, %,d rows, %d sequences, in %.1f s%n", done.schemaVersion(),
                to.toAbsolutePath().normalize(), done.tables(), done.rows(), done.sequences(), (System.nanoTime() - started) / 1e9);
        return ExitCodes.OK;
    }
}
