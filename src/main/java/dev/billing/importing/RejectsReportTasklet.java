package dev.billing.importing;

import com.opencsv.ICSVWriter;
import dev.billing.support.AtomicFiles;
import dev.billing.support.EngineProperties;
import dev.billing.support.SafeCsvWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes the rows an import refused to {@code <reports>/rejects/<file-name>-<timestamp>.csv}, one file per input
 * file that had any: the original line number, the reason, and the row with any card number masked.
 * The rows come from {@code import_rejects}, so a restarted import writes the same complete file.
 */
@Component
public class RejectsReportTasklet implements Tasklet {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final JdbcTemplate jdbc;
    private final Path reportsDir;

    public RejectsReportTasklet(JdbcTemplate jdbc, EngineProperties engine) {
        this.jdbc = jdbc;
        this.reportsDir = engine.reports().dir();
    }

    /** Where the rejects of one file of an import requested at {@code requestedAt} are written. */
    public static Path rejectsFile(Path reportsDir, String fileName, Instant requestedAt) {
        String base = fileName.endsWith(".csv") ? fileName.substring(0, fileName.length() - 4) : fileName;
        return reportsDir.resolve("rejects").resolve(base + "-" + STAMP.format(requestedAt) + ".csv");
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        var jobExecution = chunkContext.getStepContext().getStepExecution().getJobExecution();
        long instanceId = jobExecution.getJobInstance().getInstanceId();
        Instant requestedAt = Instant.parse(jobExecution.getJobParameters().getString(ImportJobConfiguration.REQUESTED_AT));
        List<String> files = jdbc.queryForList("SELECT DISTINCT file_name FROM import_rejects WHERE job_instance_id = ?",
                String.class, instanceId);
        JdbcTemplate streaming = new JdbcTemplate(jdbc.getDataSource());
        streaming.setFetchSize(1000);
        for (String fileName : files) {
            Path target = rejectsFile(reportsDir, fileName, requestedAt);
            AtomicFiles.write(target, writer -> {
                ICSVWriter csv = new SafeCsvWriter(writer);
                csv.writeNext(new String[] {"line_number", "reason", "row"}, false);
                streaming.query("""
                        SELECT line_number, reason, row_text FROM import_rejects
                        WHERE job_instance_id = ? AND file_name = ? ORDER BY file_kind, line_number""",
                        rs -> {
                            csv.writeNext(new String[] {Long.toString(rs.getLong(1)), rs.getString(2), rs.getString(3)}, false);
                        }, instanceId, fileName);
                csv.flush();
            });
            contribution.getStepExecution().getExecutionContext().putString("rejects.file." + fileName, target.toString());
        }
        jdbc.update("DELETE FROM import_keys WHERE job_instance_id = ?", instanceId);
        return RepeatStatus.FINISHED;
    }
}
