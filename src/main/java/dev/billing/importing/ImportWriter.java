package dev.billing.importing;

import dev.billing.batch.StepSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        String summary = fileName + ": " + ImportCounters.from(stepExecution.getExecutionContext());
        StepSummary.put(stepExecution.getExecutionContext(), summary);
        return stepExecution.getExitStatus().addExitDescription(summary);
    }

    @Override
    public void write(Chunk<? extends ImportRow<T>> chunk) {
        List<ImportRow<T>> accepted = new ArrayList<>(chunk.size());
        List<ImportRow<T>> rejected = new ArrayList<>();
        for (ImportRow<T> row : chunk) {
            (row.isRejected() ? rejected : accepted).add(row);
        }
        FileKeys keys = new FileKeys();
        Outcome outcome = apply(accepted, rejected, keys);
        keys.save();
        insertRejects(rejected);
        new ImportCounters(outcome.inserted, outcome.updated, outcome.unchanged, rejected.size())
                .addTo(stepExecution.getExecutionContext());
    }

    /** The key that may appear once per file ({@code order_id}, {@code token_name}). */
    protected abstract String key(T value);

    /** The job instance of this import: with a line number, it names which row of which import wrote a record. */
    protected final long jobInstanceId() {
        return stepExecution.getJobExecution().getJobInstance().getInstanceId();
    }

    /**
     * The keys this file has loaded so far (committed chunks and this one): a later row with a key already loaded is
     * rejected, naming the line that has it. Only rows that load claim their key; a rejected row claims nothing.
     * A claim is kept in {@code import_keys}, or, where the writer says so, in the written record itself (orders
     * carry the import and line that wrote them).
     */
    protected final class FileKeys {
        private final Map<String, Long> loaded = new HashMap<>();
        private final Map<String, Long> claimedNow = new LinkedHashMap<>();

        /**
         * Learns which of the chunk's stored records this file already loaded: those written by this import say so
         * themselves (and the line that wrote them); for the others, {@code import_keys} is asked.
         */
        public void recall(Map<String, ? extends WrittenBy> stored) {
            long instance = jobInstanceId();
            List<String> elsewhere = new ArrayList<>();
            stored.forEach((key, record) -> {
                if (record.importJobInstance() == instance) {
                    loaded.put(key, record.importLine());
                } else {
                    elsewhere.add(key);
                }
            });
            lookUp(elsewhere.toArray(String[]::new));
        }

        /** Reads which of {@code keys} earlier chunks of this file claimed in {@code import_keys}. */
        private void lookUp(String[] keys) {
            if (keys.length > 0) {
                jdbc.query("SELECT key, line_number FROM import_keys WHERE job_instance_id = ? AND file_kind = ? AND key = ANY (?)",
                        rs -> {
                            loaded.put(rs.getString(1), rs.getLong(2));
                        }, jobInstanceId(), kind.label(), keys);
            }
        }

        /** Claims the row's key; the reason to reject it when an earlier line of the file loaded the same key. */
        public String claim(ImportRow<T> row) {
            String key = key(row.value());
            Long first = loaded.putIfAbsent(key, row.lineNumber());
            if (first != null) {
                String column = kind == ImportFileKind.ORDERS ? "order_id" : "token_name";
                return column + " " + key + " appears more than once in this file; line " + first + " has it and is the one loaded";
            }
            claimedNow.put(key, row.lineNumber());
            return null;
        }

        /** The claim of {@code key} is kept in the record the writer writes, not in {@code import_keys}. */
        public void keptInRecord(String key) {
            claimedNow.remove(key);
        }

        void save() {
            if (claimedNow.isEmpty()) {
                return;
            }
            jdbc.update("""
                    INSERT INTO import_keys (job_instance_id, file_kind, key, line_number)
                    SELECT ?, ?, k, l FROM unnest(?::text[], ?::int8[]) AS x(k, l)""",
                    jobInstanceId(), kind.label(), claimedNow.keySet().toArray(String[]::new), claimedNow.values().toArray(Long[]::new));
        }
    }

    /** A stored record that says which import, and which line of its file, last wrote it (-1: none did). */
    protected interface WrittenBy {
        long importJobInstance();

        long importLine();
    }

    /** Applies the accepted rows; adds to {@code rejected} any that the database state refuses. */
    protected abstract Outcome apply(List<ImportRow<T>> accepted, List<ImportRow<T>> rejected, FileKeys keys);

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
