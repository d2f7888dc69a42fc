package dev.billing.batch;

import dev.billing.support.NodeName;
import dev.billing.support.OperatorException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

/**
 * Tells a live job execution from one whose process is gone.
 *
 * <p>While a process runs an execution it holds a session-level PostgreSQL advisory lock keyed by the execution
 * id, on a connection of its own. PostgreSQL releases that lock the moment the session ends, and a session ends
 * when its process dies, however it dies ({@code kill -9} included). So if another session can take the lock,
 * no live process runs that execution: {@code jobs recover} may mark it FAILED for a restart.
 */
@Component
public class ExecutionOwnership implements JobExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(ExecutionOwnership.class);
    /** The first key of the two-key advisory lock space: "BILL". */
    static final int LOCK_CLASS = 0x42494C4C;

    private final DataSource dataSource;
    private final Map<Long, Connection> held = new ConcurrentHashMap<>();
    private final boolean serve;

    /** {@code serve}: this process is a serve node (its nights are resumed by another live node if it dies). */
    public ExecutionOwnership(DataSource dataSource, @org.springframework.beans.factory.annotation.Value("${billing.partitions.remote:false}") boolean serve) {
        this.dataSource = dataSource;
        this.serve = serve;
    }

    @Override
    public void beforeJob(JobExecution jobExecution) {
        long id = jobExecution.getId();
        try {
            Connection connection = dataSource.getConnection();
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
                lock.setInt(1, LOCK_CLASS);
                lock.setInt(2, (int) id);
                lock.execute();
            }
            held.put(id, connection);
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("cannot mark job execution " + id + " as owned by this process", e);
        }
        claimBusinessDate(jobExecution);
    }

    /** The row of running_jobs that makes a second run of the same job and business date impossible at the same time. */
    private void claimBusinessDate(JobExecution execution) {
        java.time.LocalDate date = execution.getJobParameters().getLocalDate(BusinessDate.PARAMETER);
        if (date == null) {
            return;
        }
        boolean claimed;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO running_jobs (job_execution_id, job_name, business_date, host, pid, serve) VALUES (?, ?, ?, ?, ?, ?)
                     ON CONFLICT (job_name, business_date) DO NOTHING""")) {
            insert.setLong(1, execution.getId());
            insert.setString(2, execution.getJobInstance().getJobName());
            insert.setObject(3, date);
            insert.setString(4, NodeName.host());
            insert.setLong(5, ProcessHandle.current().pid());
            insert.setBoolean(6, serve);
            claimed = insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("cannot record job execution " + execution.getId() + " as running", e);
        }
        if (!claimed) {
            afterJob(execution);
            throw new OperatorException(execution.getJobInstance().getJobName() + " for " + date
                    + " is already running elsewhere; 'jobs list' shows it");
        }
    }

    /** Forgets that an execution runs (its process ended, or it was recovered). */
    public void release(long executionId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM running_jobs WHERE job_execution_id = ?")) {
            delete.setLong(1, executionId);
            delete.executeUpdate();
        } catch (SQLException e) {
            log.warn("Could not clear the running mark of job execution {}: {}", executionId, e.getMessage());
        }
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
        release(jobExecution.getId());
        Connection connection = held.remove(jobExecution.getId());
        if (connection == null) {
            return;
        }
        try (connection; PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            unlock.setInt(1, LOCK_CLASS);
            unlock.setInt(2, (int) jobExecution.getId());
            unlock.execute();
        } catch (SQLException e) {
            log.warn("Could not release the ownership lock of job execution {}: {}", jobExecution.getId(), e.getMessage());
        }
    }

    /** The executions this process is running now. */
    public java.util.Set<Long> ownedExecutions() {
        return java.util.Set.copyOf(held.keySet());
    }

    /**
     * True when a live process (this one or another) holds the execution's ownership lock.
     *
     * <p>When the process that ran the execution is recorded on this host and is gone, its database session may
     * still hold the lock for a moment (PostgreSQL ends a session only when it notices the dead socket): the lock
     * is then asked for again for up to {@link #SESSION_END_WAIT} before the execution is called live.
     */
    public boolean isOwnedByLiveProcess(long executionId) {
        if (held.containsKey(executionId)) {
            return true;
        }
        long deadline = System.nanoTime() + SESSION_END_WAIT.toNanos();
        while (true) {
            if (!lockIsHeld(executionId)) {
                return false;
            }
            if (!recordedProcessIsGoneOnThisHost(executionId) || System.nanoTime() > deadline) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
    }

    /** True when a live process holds the execution's ownership lock now (no wait: see {@link #isOwnedByLiveProcess}). */
    boolean ownerIsAlive(long executionId) {
        return held.containsKey(executionId) || lockIsHeld(executionId);
    }

    /** How long a lock left by a process known to be dead is waited for (see {@link #isOwnedByLiveProcess}). */
    static final java.time.Duration SESSION_END_WAIT = java.time.Duration.ofSeconds(10);

    private boolean lockIsHeld(long executionId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement tryLock = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            tryLock.setInt(1, LOCK_CLASS);
            tryLock.setInt(2, (int) executionId);
            try (ResultSet rs = tryLock.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return true;
                }
            }
            try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
                unlock.setInt(1, LOCK_CLASS);
                unlock.setInt(2, (int) executionId);
                unlock.execute();
            }
            return false;
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("cannot check whether job execution " + executionId + " is alive", e);
        }
    }

    /** True only when running_jobs names this host and a process id that no longer runs here. */
    private boolean recordedProcessIsGoneOnThisHost(long executionId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT host, pid FROM running_jobs WHERE job_execution_id = ?")) {
            select.setLong(1, executionId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next() || !NodeName.host().equals(rs.getString(1))) {
                    return false;
                }
                return ProcessHandle.of(rs.getLong(2)).map(process -> !process.isAlive()).orElse(true);
            }
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("cannot read the running mark of job execution " + executionId, e);
        }
    }
}
