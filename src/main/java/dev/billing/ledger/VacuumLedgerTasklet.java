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
 * <p>{@code VACUUM} cannot run inside a transaction, so it runs on a connection of its own in autocommit.
 */
public class VacuumLedgerTasklet implements Tasklet {

    static final String TABLES = "orders, payment_attempts, tokens, charge_holds";

    private final DataSource dataSource;

    public VacuumLedgerTasklet(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws SQLException {
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute("VACUUM (ANALYZE) " + TABLES);
        }
        contribution.setExitStatus(ExitStatus.COMPLETED.addExitDescription(
                String.format("vacuumed %s in %.1f s", TABLES, (System.nanoTime() - started) / 1e9)));
        return RepeatStatus.FINISHED;
    }
}
