package dev.billing.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The charge flow's last step: vacuums and analyzes the tables a night rewrites, now that its attempts are all
 * written. Autovacuum is told (V18) to leave them to this step, since vacuuming them while the charge step runs
 * took its cores at the night's busiest. Safe to repeat; a restart simply vacuums again.
 *
 * <p>First it folds the ledger's figures (V25) the night added, a row per statement that changed ledger rows, into one
 * row per date, kind, gateway, currency and state, in one statement: the sums stay what they were at every moment.
 *
 * <p>{@code VACUUM} cannot run inside a transaction, so it runs on a connection of its own in autocommit.
 */
public class VacuumLedgerTasklet implements Tasklet {

    /** The tables a night rewrites: the ledger's, and the outbox its changes write an event to (V26). */
    static final String TABLES = "orders, payment_attempts, tokens, charge_holds, ledger_figures, outbox, event_deliveries";

    static final String FOLD_FIGURES = """
            WITH gone AS (DELETE FROM ledger_figures RETURNING *)
            INSERT INTO ledger_figures (business_date, kind, gateway, currency, state, movements, amount_minor, account)
            SELECT business_date, kind, gateway, currency, state, sum(movements), sum(amount_minor), account FROM gone
            GROUP BY 1, 2, 3, 4, 5, 8 HAVING sum(movements) <> 0 OR sum(amount_minor) <> 0""";

    private final DataSource dataSource;

    public VacuumLedgerTasklet(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws SQLException {
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute(FOLD_FIGURES);
            statement.execute("VACUUM (ANALYZE) " + TABLES);
        }
        contribution.setExitStatus(ExitStatus.COMPLETED.addExitDescription(
                String.format("vacuumed %s in %.1f s", TABLES, (System.nanoTime() - started) / 1e9)));
        return RepeatStatus.FINISHED;
    }
}
