package dev.billing.operations;

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

    public ExecutionOwnership(DataSource dataSource) {
        this.dataSource = dataSource;
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
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
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

    /** True when a live process (this one or another) holds the execution's ownership lock. */
    public boolean isOwnedByLiveProcess(long executionId) {
        if (held.containsKey(executionId)) {
            return true;
        }
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
}
