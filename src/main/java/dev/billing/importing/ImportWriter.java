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
        Outcome outcome = apply(firstOccurrences(accepted, rejected), rejected);
        insertRejects(rejected);
        new ImportCounters(outcome.inserted, outcome.updated, outcome.unchanged, rejected.size())
                .addTo(stepExecution.getExecutionContext());
    }

    /** The key that may appear once per file ({@code order_id}, {@code token_name}). */
    protected abstract String key(T value);

    /**
     * The rows whose key this file has not loaded before; a later row with a key already seen (in this chunk or an
     * earlier committed one) is rejected, naming the line that has it.
     */
    private List<ImportRow<T>> firstOccurrences(List<ImportRow<T>> accepted, List<ImportRow<T>> rejected) {
        if (accepted.isEmpty()) {
            return accepted;
        }
        long jobInstanceId = stepExecution.getJobExecution().getJobInstance().getInstanceId();
        String[] keys = accepted.stream().map(r -> key(r.value())).toArray(String[]::new);
        Long[] lines = accepted.stream().map(ImportRow::lineNumber).toArray(Long[]::new);
        java.util.Set<String> fresh = new java.util.HashSet<>(jdbc.queryForList("""
                INSERT INTO import_keys (job_instance_id, file_kind, key, line_number)
                SELECT ?, ?, k, l FROM unnest(?::text[], ?::int8[]) AS x(k, l)
                ON CONFLICT DO NOTHING RETURNING key || ' ' || line_number""", String.class,
                jobInstanceId, kind.label(), keys, lines));
        List<ImportRow<T>> first = new ArrayList<>(accepted.size());
        List<ImportRow<T>> repeated = new ArrayList<>();
        for (ImportRow<T> row : accepted) {
            (fresh.contains(key(row.value()) + " " + row.lineNumber()) ? first : repeated).add(row);
        }
        if (!repeated.isEmpty()) {
            java.util.Map<String, Long> firstLine = new java.util.HashMap<>();
            jdbc.query("SELECT key, line_number FROM import_keys WHERE job_instance_id = ? AND file_kind = ? AND key = ANY (?)",
                    rs -> {
                        firstLine.put(rs.getString(1), rs.getLong(2));
                    }, jobInstanceId, kind.label(), repeated.stream().map(r -> key(r.value())).distinct().toArray(String[]::new));
            String column = kind == ImportFileKind.ORDERS ? "order_id" : "token_name";
            for (ImportRow<T> row : repeated) {
                String key = key(row.value());
                rejected.add(row.reject(column + " " + key + " appears more than once in this file; line "
                        + firstLine.get(key) + " has it and is the one loaded"));
            }
        }
        return first;
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
