package dev.billing.operations;

import dev.billing.batch.BusinessDate;
import dev.billing.batch.ExecutionOwnership;
import dev.billing.support.OperatorException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** What an operator does to job executions: list, show, restart, stop, abandon, recover. */
@Service
public class JobControl {

    private static final Logger log = LoggerFactory.getLogger(JobControl.class);
    /** An execution younger than this may not have taken its ownership lock yet; recover leaves it alone. */
    private static final Duration STARTING_GRACE = Duration.ofSeconds(15);

    private final JobRepository jobRepository;
    private final JobOperator jobOperator;
    private final ExecutionOwnership ownership;
    private final JdbcTemplate jdbc;
    private final JobRunner runner;

    public JobControl(JobRepository jobRepository, JobOperator jobOperator, ExecutionOwnership ownership, JdbcTemplate jdbc,
                      JobRunner runner) {
        this.jobRepository = jobRepository;
        this.jobOperator = jobOperator;
        this.ownership = ownership;
        this.jdbc = jdbc;
        this.runner = runner;
    }

    /** One line of {@code jobs list}. */
    public record ExecutionSummary(long id, String jobName, String businessDate, String status, Instant start, Instant end,
                                   long read, long written, long skipped) {
    }

    public List<ExecutionSummary> list(int limit) {
        return list(null, null, null, limit);
    }

    /** The newest executions, at most {@code limit}, of a job, a status and a business date when given (null: any). */
    public List<ExecutionSummary> list(String jobName, String status, String businessDate, int limit) {
        // the newest executions first, then the step counts of those only
        return JdbcClient.create(jdbc).sql("""
                WITH chosen AS (
                    SELECT e.job_execution_id, i.job_name, p.parameter_value AS business_date, e.status, e.start_time, e.end_time
                    FROM batch_job_execution e
                    JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
                    LEFT JOIN batch_job_execution_params p ON p.job_execution_id = e.job_execution_id AND p.parameter_name = :parameter
                    WHERE (CAST(:job AS text) IS NULL OR i.job_name = :job) AND (CAST(:status AS text) IS NULL OR e.status = :status)
                      AND (CAST(:date AS text) IS NULL OR p.parameter_value = :date)
                    ORDER BY e.job_execution_id DESC
                    LIMIT :limit)
                SELECT c.job_execution_id, c.job_name, c.business_date, c.status, c.start_time, c.end_time,
                       COALESCE(SUM(s.read_count), 0), COALESCE(SUM(s.write_count), 0),
                       COALESCE(SUM(s.read_skip_count + s.process_skip_count + s.write_skip_count), 0)
                FROM chosen c LEFT JOIN batch_step_execution s ON s.job_execution_id = c.job_execution_id
                GROUP BY c.job_execution_id, c.job_name, c.business_date, c.status, c.start_time, c.end_time
                ORDER BY c.job_execution_id DESC""")
                .param("parameter", BusinessDate.PARAMETER).param("job", jobName).param("status", status).param("date", businessDate)
                .param("limit", limit)
                .query((rs, n) -> new ExecutionSummary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        utc(rs.getTimestamp(5)), utc(rs.getTimestamp(6)), rs.getLong(7), rs.getLong(8), rs.getLong(9)))
                .list();
    }

    /** The newest execution of the same job instance, when it is not this one (it was restarted); else null. */
    public JobExecution restartedAs(JobExecution execution) {
        JobExecution newer = jobRepository.getLastJobExecution(execution.getJobInstance().getJobName(), execution.getJobParameters());
        return newer == null || newer.getId() == execution.getId() ? null : newer;
    }

    /** The execution with this id; {@link UnknownExecutionException} when there is none. */
    public JobExecution get(long id) {
        JobExecution execution;
        try {
            execution = jobRepository.getJobExecution(id);
        } catch (EmptyResultDataAccessException e) {
            execution = null;
        }
        if (execution == null) {
            throw new UnknownExecutionException(id);
        }
        return execution;
    }

    /** Resumes a FAILED or STOPPED execution from its last committed chunk; runs it to its end in this thread. */
    public JobExecution restart(long id) {
        return restart(id, false);
    }

    /**
     * {@link #restart(long)}; an execution whose business date is after tomorrow only with {@code allowFuture}.
     *
     * @throws OperatorException when it cannot be restarted (running, completed, abandoned, restarted before, a future date)
     */
    public JobExecution restart(long id, boolean allowFuture) {
        JobExecution execution = restartable(id, allowFuture);
        try {
            log.info("Restarting job execution {} ({})", id, execution.getJobInstance().getJobName());
            return jobOperator.restart(execution);
        } catch (JobRestartException e) {
            throw new OperatorException("cannot restart job execution " + id + ": " + e.getMessage());
        }
    }

    /**
     * The execution, when it can be restarted now: FAILED or STOPPED, not restarted before, a business date that may be
     * run, and a gateway chosen for a job that calls it; {@link OperatorException} saying why not otherwise.
     */
    public JobExecution restartable(long id, boolean allowFuture) {
        JobExecution execution = get(id);
        BatchStatus status = execution.getStatus();
        String problem = switch (status) {
            case FAILED, STOPPED -> null;
            case COMPLETED -> "job execution " + id + " already COMPLETED; there is nothing to resume";
            case ABANDONED -> "job execution " + id + " was ABANDONED and can never be resumed; run the job again instead";
            case STARTING, STARTED, STOPPING -> "job execution " + id + " is " + status + "; if its process is gone, run"
                    + " 'jobs recover' first, or 'jobs stop " + id + "' to stop it";
            default -> "job execution " + id + " is " + status + " and cannot be restarted";
        };
        if (problem != null) {
            throw new OperatorException(problem);
        }
        JobExecution newer = restartedAs(execution);
        if (newer != null) {
            throw new OperatorException("job execution " + id + " was already restarted as execution " + newer.getId()
                    + " (" + newer.getStatus() + "); act on that one");
        }
        LocalDate date = businessDate(execution);
        if (date != null) {
            runner.checkDate(date, allowFuture, "job execution " + id + "'s business date " + date);
        }
        runner.requireGatewayFor(execution.getJobInstance().getJobName());
        return execution;
    }

    /** The execution's business date, or null when it has none. */
    public static LocalDate businessDate(JobExecution execution) {
        Object value = execution.getJobParameters().parameters().stream().filter(p -> p.name().equals(BusinessDate.PARAMETER))
                .map(p -> p.value()).findFirst().orElse(null);
        return value instanceof LocalDate date ? date : null;
    }

    /**
     * Asks a running execution to stop after its current chunk. False when it was not running.
     *
     * <p>Only the job execution's status is set to STOPPING: the step that runs it, in this process or another,
     * sees that when it commits its next chunk and ends STOPPED. ({@code JobOperator.stop} also writes the running
     * step execution from a stale copy, which fails with an optimistic-locking error while the step is busy.)
     */
    public boolean stop(long id) {
        for (int attempt = 0; ; attempt++) {
            JobExecution execution = get(id);
            BatchStatus status = execution.getStatus();
            if (status != BatchStatus.STARTING && status != BatchStatus.STARTED) {
                return status == BatchStatus.STOPPING;
            }
            execution.setStatus(BatchStatus.STOPPING);
            try {
                jobRepository.update(execution);
                log.info("Asked job execution {} to stop after its current chunk", id);
                return true;
            } catch (OptimisticLockingFailureException e) {
                if (attempt >= 5) {
                    throw new OperatorException("job execution " + id + " kept changing while it was being stopped; try again");
                }
            }
        }
    }

    public JobExecution abandon(long id) {
        JobExecution execution = get(id);
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            throw new OperatorException("job execution " + id + " COMPLETED; only a stopped or failed execution can be abandoned");
        }
        try {
            return jobOperator.abandon(execution);
        } catch (JobExecutionAlreadyRunningException e) {
            throw new OperatorException("job execution " + id + " is still running; stop it first ('jobs stop " + id
                    + "'), or run 'jobs recover' if its process is gone");
        }
    }

    /** What {@code jobs recover} did with one execution it found running. */
    public record Recovery(JobExecution execution, boolean recovered, String reason) {
    }

    /**
     * Marks FAILED every execution left running by a process that no longer runs, so that it can be restarted.
     * Executions held by a live process are never touched.
     */
    public List<Recovery> recover() {
        List<Recovery> result = new ArrayList<>();
        for (String jobName : jobRepository.getJobNames()) {
            List<JobExecution> running = new ArrayList<>(jobRepository.findRunningJobExecutions(jobName));
            running.sort(Comparator.comparingLong(JobExecution::getId));
            for (JobExecution execution : running) {
                result.add(recoverOne(execution));
            }
        }
        return result;
    }

    /** {@link #recover()} for one execution: marked FAILED when it is running and its process is gone. */
    public Recovery recover(long id) {
        JobExecution execution = get(id);
        if (!execution.getStatus().isRunning()) {
            return new Recovery(execution, false, "it is not running");
        }
        return recoverOne(execution);
    }

    private Recovery recoverOne(JobExecution execution) {
        long id = execution.getId();
        if (ownership.isOwnedByLiveProcess(id)) {
            return new Recovery(execution, false, "its process is alive");
        }
        // Job listeners (the ownership lock among them) run before the first step; without a step yet, a young
        // execution may be about to take its lock.
        LocalDateTime created = execution.getCreateTime();
        boolean young = created != null && Duration.between(created.toInstant(ZoneOffset.UTC), Instant.now()).compareTo(STARTING_GRACE) < 0;
        if (young && execution.getStepExecutions().isEmpty()) {
            return new Recovery(execution, false, "it is still starting; run 'jobs recover' again in a few seconds");
        }
        BatchStatus leftAs = execution.getStatus();
        JobExecution recovered = jobOperator.recover(execution);
        ownership.release(id);
        log.info("Recovered job execution {} ({}), left {} by a process that is gone; it is now {}", id,
                execution.getJobInstance().getJobName(), leftAs, recovered.getStatus());
        return new Recovery(recovered, true, "its process is gone");
    }

    private static Instant utc(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toLocalDateTime().toInstant(ZoneOffset.UTC);
    }
}
