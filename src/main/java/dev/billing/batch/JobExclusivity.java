package dev.billing.batch;

import dev.billing.support.OperatorException;
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
 * One execution at a time of the jobs that move money of one kind, on a database, whatever the business date and
 * whichever process starts it: while it runs, the execution holds session-level PostgreSQL advisory locks named
 * after what it does (verify-tokens, charge-orders; nightly holds both). A second one fails at once, before its
 * first step, with a message naming the cause.
 */
public class JobExclusivity implements JobExecutionListener {

    /** The first key of these advisory locks (the second is {@code hashtext(name)}): {@code pg_locks.classid} shows it. */
    public static final int LOCK_CLASS = ExecutionOwnership.LOCK_CLASS + 1;

    private final DataSource dataSource;
    private final java.util.List<String> locks;
    private final Map<Long, Connection> held = new ConcurrentHashMap<>();

    /** With no lock names, the job's own name. */
    public JobExclusivity(DataSource dataSource, String... locks) {
        this.dataSource = dataSource;
        this.locks = java.util.List.of(locks);
    }

    private java.util.List<String> locksOf(JobExecution execution) {
        return locks.isEmpty() ? java.util.List.of(execution.getJobInstance().getJobName()) : locks;
    }

    @Override
    public void beforeJob(JobExecution jobExecution) {
        String job = jobExecution.getJobInstance().getJobName();
        try {
            Connection connection = dataSource.getConnection();
            java.util.List<String> taken = new java.util.ArrayList<>();
            for (String name : locksOf(jobExecution)) {
                boolean locked;
                try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
                    lock.setInt(1, LOCK_CLASS);
                    lock.setString(2, name);
                    try (ResultSet rs = lock.executeQuery()) {
                        rs.next();
                        locked = rs.getBoolean(1);
                    }
                }
                if (!locked) {
                    unlock(connection, taken);
                    connection.close();
                    throw new OperatorException("another " + name + " run is in progress on this database; only one may run at a time."
                            + " 'jobs list' shows it; run " + job + " again when it has ended");
                }
                taken.add(name);
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
        // a pooled connection's session outlives close(): the locks must be released explicitly
        try (connection) {
            unlock(connection, locksOf(jobExecution));
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(JobExclusivity.class).warn("Could not release the {} locks: {}",
                    jobExecution.getJobInstance().getJobName(), e.getMessage());
        }
    }

    private static void unlock(Connection connection, java.util.List<String> names) throws SQLException {
        for (String name : names) {
            try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
                unlock.setInt(1, LOCK_CLASS);
                unlock.setString(2, name);
                unlock.execute();
            }
        }
    }
}
