package dev.billing.cli;

import dev.billing.command.CliContext;
import dev.billing.command.ExitCodes;
import dev.billing.database.DatabaseBackup;
import dev.billing.operations.JobControl;
import dev.billing.simulator.SimulatorStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Brings back a backup written by 'backup --to DIR' into an empty database (a new data directory): the schema",
            "at the backup's version, its rows, its sequences; then the schema migrated to this engine's version, and the",
            "executions that were running at the backup marked FAILED, so that 'jobs restart ID' resumes them."})
class RestoreCommand implements Callable<Integer> {

    private final CliContext cli;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "The backup's directory.")
    Path from;

    RestoreCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        String version = DatabaseBackup.schemaVersion(from);
        cli.engine().override(Map.of("spring.flyway.target", version));
        JdbcTemplate jdbc = cli.engine().bean(JdbcTemplate.class);
        Long used = jdbc.queryForObject("SELECT (SELECT count(*) FROM tokens) + (SELECT count(*) FROM orders)", Long.class);
        if (!cli.engine().bean(JobRepository.class).getJobNames().isEmpty() || (used != null && used > 0)) {
            cli.err().println("error: the database is not empty (it has jobs, tokens or orders); restore into a new data directory"
                    + " (--billing.data-dir=NEW)");
            return ExitCodes.USAGE;
        }
        long started = System.nanoTime();
        if (DatabaseBackup.schemas(from).contains(SimulatorStore.SCHEMA)) {
            // the built-in simulator's records were in the backup: its schema is made as the simulator makes it
            new SimulatorStore(cli.engine().bean(DataSource.class), false).close();
        }
        DatabaseBackup.Summary done = DatabaseBackup.restore(cli.engine().bean(DataSource.class), from);
        Flyway flyway = cli.engine().bean(Flyway.class);
        int migrated = Flyway.configure().configuration(flyway.getConfiguration()).target("latest").load().migrate().migrationsExecuted;
        cli.out().printf("restored %s: %d tables, %,d rows, %d sequences (schema version %s%s) in %.1f s%n",
                from.toAbsolutePath().normalize(), done.tables(), done.rows(), done.sequences(), done.schemaVersion(),
                migrated == 0 ? "" : ", then " + migrated + " migrations to this engine's", (System.nanoTime() - started) / 1e9);
        for (JobControl.Recovery recovery : cli.engine().bean(JobControl.class).recover()) {
            if (recovery.recovered()) {
                cli.out().printf("execution %d (%s) was running at the backup: now %s; 'jobs restart %d' resumes it%n",
                        recovery.execution().getId(), recovery.execution().getJobInstance().getJobName(), recovery.execution().getStatus(),
                        recovery.execution().getId());
            }
        }
        return ExitCodes.OK;
    }
}
