package dev.billing.importing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes one chunk of validated rows: the accepted ones through {@link #apply}, which may still reject rows
 * after looking at the database, and every rejected row into {@code import_rejects}, all in the chunk's
 * transaction. Counts go into the step's execution context, committed with the chunk.
 */
abstract class ImportWriter<T> implements ItemWriter<ImportRow<T>>, StepExecutionListener {

    protected final JdbcTemplate jdbc;
    private final ImportFileKind kind;
    private final String fileName;
    private StepExecution stepExecution;

    ImportWriter(JdbcTemplate jdbc, ImportFileKind kind, Path file) {
        this.jdbc = jdbc;
        this.kind = kind;
        this.fileName = file == null ? "" : file.getFileName().toString();
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        this.stepExecution = stepExecution;
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        if (fileName.isEmpty()) {
            return stepExecution.getExitStatus();
        }
        return stepExecution.getExitStatus().addExitDescription(fileName + ": " + ImportCounters.from(stepExecution.getExecutionContext()));
    }

    @Override
    public void write(Chunk<? extends ImportRow<T>> chunk) {
        List<ImportRow<T>> accepted = new ArrayList<>(chunk.size());
        List<ImportRow<T>> rejected = new ArrayList<>();
        for (ImportRow<T> row : chunk) {
            (row.isRejected() ? rejected : accepted).add(row);
        }
        Outcome outcome = apply(accepted, rejected);
        insertRejects(rejected);
        new ImportCounters(outcome.inserted, outcome.updated, outcome.unchanged, rejected.size())
                .addTo(stepExecution.getExecutionContext());
    }

    /** Applies the accepted rows; adds to {@code rejected} any that the database state refuses. */
    protected abstract Outcome apply(List<ImportRow<T>> accepted, List<ImportRow<T>> rejected);

    private void insertRejects(List<ImportRow<T>> rejected) {
        if (rejected.isEmpty()) {
            return;
        }
        long jobInstanceId = stepExecution.getJobExecution().getJobInstance().getInstanceId();
        jdbc.batchUpdate("""
                INSERT INTO import_rejects (job_instance_id, file_kind, file_name, line_number, reason, row_text)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (job_instance_id, file_kind, line_number) DO NOTHING""",
                rejected, rejected.size(), (ps, row) -> {
                    ps.setLong(1, jobInstanceId);
                    ps.setString(2, kind.label());
                    ps.setString(3, fileName);
                    ps.setLong(4, row.lineNumber());
                    ps.setString(5, row.rejectReason());
                    ps.setString(6, row.maskedText());
                });
    }

    /** How many accepted rows were new, changed something, or changed nothing. */
    protected static final class Outcome {
        long inserted;
        long updated;
        long unchanged;
    }
}
