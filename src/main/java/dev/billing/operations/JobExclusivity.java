package dev.billing.operations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * One execution of a job at a time on a database, whatever its business date and whichever process starts it:
 * the execution holds a session-level PostgreSQL advisory lock named after the job while it runs. A second one
 * fails at once, before its first step, with a message naming the cause.
 */
public class JobExclusivity implements JobExecutionListener {

    static final int LOCK_CLASS = ExecutionOwnership.LOCK_CLASS + 1;

    private final DataSource dataSource;
    private final Map<Long, Connection> held = new ConcurrentHashMap<>();

    public JobExclusivity(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void beforeJob(JobExecution jobExecution) {
        String job = jobExecution.getJobInstance().getJobName();
        try {
            Connection connection = dataSource.getConnection();
            boolean locked;
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
                lock.setInt(1, LOCK_CLASS);
                lock.setString(2, job);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    locked = rs.getBoolean(1);
                }
            }
            if (!locked) {
                connection.close();
                throw new OperatorException("another " + job + " run is in progress on this database; only one may run at a time."
                        + " 'jobs list' shows it; run this one again when it has ended");
            }
            held.put(jobExecution.getId(), connection);
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("cannot take the " + job + " lock", e);
        }
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
        Connection connection = held.remove(jobExecution.getId());
        if (connection == null) {
            return;
        }
        // a pooled connection's session outlives close(): the lock must be released explicitly
        try (connection; PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
            unlock.setInt(1, LOCK_CLASS);
            unlock.setString(2, jobExecution.getJobInstance().getJobName());
            unlock.execute();
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(JobExclusivity.class).warn("Could not release the {} lock: {}",
                    jobExecution.getJobInstance().getJobName(), e.getMessage());
        }
    }
}
