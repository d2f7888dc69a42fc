package dev.billing.operations;

import dev.billing.batch.BusinessDate;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What the job repository says of the nights, for the console (its reads of Spring Batch's tables live in operations
 * with {@link JobControl}'s): each job's last run per business date, and the steps running now.
 */
@Component
public class NightRuns {

    /** The last execution of one job for one business date. */
    public record LastRun(String businessDate, String jobName, String status, long executionId) {
    }

    /** A step running now: items done since it started, and when it started and last committed. */
    public record RunningStep(long executionId, String jobName, String businessDate, String stepName, long done, Instant started,
                              Instant lastUpdated) {
    }

    private final JdbcClient jdbc;

    public NightRuns(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Each job's last execution per business date from {@code since} on, by date then job name. */
    public List<LastRun> lastRuns(LocalDate since) {
        return jdbc.sql("""
                SELECT DISTINCT ON (p.parameter_value, i.job_name) p.parameter_value, i.job_name, e.status, e.job_execution_id
                FROM batch_job_execution_params p
                JOIN batch_job_execution e ON e.job_execution_id = p.job_execution_id
                JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
                WHERE p.parameter_name = :parameter AND p.parameter_value >= :since
                ORDER BY p.parameter_value, i.job_name, e.job_execution_id DESC""")
                .param("parameter", BusinessDate.PARAMETER).param("since", since.toString())
                .query((rs, n) -> new LastRun(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                .list();
    }

    /** The steps of the executions running now, in execution and step order. */
    public List<RunningStep> running() {
        return jdbc.sql("""
                SELECT e.job_execution_id, i.job_name, p.parameter_value, s.step_name, s.read_count, s.start_time, s.last_updated
                FROM batch_job_execution e
                JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
                JOIN batch_step_execution s ON s.job_execution_id = e.job_execution_id AND s.status IN ('STARTING', 'STARTED')
                LEFT JOIN batch_job_execution_params p ON p.job_execution_id = e.job_execution_id AND p.parameter_name = :parameter
                WHERE e.status IN ('STARTING', 'STARTED', 'STOPPING')
                ORDER BY e.job_execution_id, s.step_execution_id""")
                .param("parameter", BusinessDate.PARAMETER)
                .query((rs, n) -> new RunningStep(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7))))
                .list();
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
