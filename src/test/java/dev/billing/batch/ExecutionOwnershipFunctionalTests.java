package dev.billing.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A process killed with SIGKILL is gone before PostgreSQL has ended its session, so for a moment its ownership lock
 * is still held: recovery must not call such an execution live, and must still call live one whose process runs.
 */
@EngineTest
class ExecutionOwnershipFunctionalTests {

    private static final long EXECUTION = 900_000_001L;

    @Autowired
    ExecutionOwnership ownership;
    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void clear() {
        jdbc.update("DELETE FROM running_jobs WHERE job_execution_id = ?", EXECUTION);
    }

    @Test
    void aLockLeftByADeadProcessOnThisHostIsWaitedFor() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(10, TimeUnit.SECONDS);
        markRunning(gone.pid());
        try (Connection session = dataSource.getConnection()) {
            advisory(session, "pg_advisory_lock");
            CompletableFuture<Void> sessionEnds = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(700);
                    advisory(session, "pg_advisory_unlock");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            boolean live = ownership.isOwnedByLiveProcess(EXECUTION);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            sessionEnds.get(10, TimeUnit.SECONDS);

            assertThat(live).as("the process is dead and its lock went away within the wait").isFalse();
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        }
    }

    @Test
    void aLockHeldForALiveProcessIsLiveAtOnce() throws Exception {
        markRunning(ProcessHandle.current().pid());
        try (Connection session = dataSource.getConnection()) {
            advisory(session, "pg_advisory_lock");
            long start = System.nanoTime();
            assertThat(ownership.isOwnedByLiveProcess(EXECUTION)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ExecutionOwnership.SESSION_END_WAIT);
            advisory(session, "pg_advisory_unlock");
        }
        assertThat(ownership.isOwnedByLiveProcess(EXECUTION)).as("nobody holds the lock any more").isFalse();
    }

    private void markRunning(long pid) throws Exception {
        jdbc.update("INSERT INTO running_jobs (job_execution_id, job_name, business_date, host, pid) VALUES (?, ?, ?, ?, ?)",
                EXECUTION, "ownership-test", LocalDate.of(2026, 1, 1), InetAddress.getLocalHost().getHostName(), pid);
    }

    private static void advisory(Connection session, String function) throws Exception {
        try (PreparedStatement statement = session.prepareStatement("SELECT " + function + "(?, ?)")) {
            statement.setInt(1, ExecutionOwnership.LOCK_CLASS);
            statement.setInt(2, (int) EXECUTION);
            statement.execute();
        }
    }
}
