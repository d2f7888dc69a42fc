package dev.billing.operations;

import dev.billing.batch.ExecutionOwnership;
import dev.billing.database.ClusterLock;
import dev.billing.support.EngineThreads;
import dev.billing.support.NodeName;
import dev.billing.support.OperatorException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Serve nodes resume each other's nights. Every live node looks every second for
 * <ul>
 * <li>a night run by a serve node whose process is gone ({@code kill -9}, a crash, a lost machine): its ownership
 * lock is free ({@link ExecutionOwnership}); it is recovered (FAILED) and restarted here at once;</li>
 * <li>a night handed over by a serve node that received SIGTERM while other nodes were live ({@link #handOver}):
 * once it has stopped after its current chunk, it is restarted here.</li>
 * </ul>
 * One node does it at a time (a cluster-wide advisory lock, held until the restarted execution exists), so a night
 * is resumed once. The restart resumes from the last committed chunk and settles what the old run left open with
 * the gateway before it calls it again, as {@code jobs restart} does. Nights run from the command line are left to
 * their operator.
 */
@Service
public class Failover {

    private static final Logger log = LoggerFactory.getLogger(Failover.class);

    private final JdbcTemplate jdbc;
    private final DataSource dataSource;
    private final JobControl control;
    private final ExecutionOwnership ownership;
    private final EngineThreads threads;
    private final List<Thread> resumed = new ArrayList<>();
    private volatile boolean running;
    private Thread loop;

    public Failover(JdbcTemplate jdbc, DataSource dataSource, JobControl control, ExecutionOwnership ownership, EngineThreads threads) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.control = control;
        this.ownership = ownership;
        this.threads = threads;
    }

    /** Looks every {@code interval} until {@link #stop}. */
    public synchronized void start(Duration interval) {
        running = true;
        loop = threads.thread("failover", () -> {
            while (running) {
                try {
                    takeOverNow();
                } catch (RuntimeException e) {
                    log.warn("Failover: {}; looking again shortly", e.toString());
                }
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        loop.start();
    }

    /** Looks no more (this node is stopping); the nights it resumed are stopped with the others this node owns. */
    public synchronized void stop() {
        running = false;
        if (loop != null) {
            loop.interrupt();
        }
    }

    /** Waits, up to {@code wait}, for the nights this node resumed to end (they were asked to stop). */
    public void awaitResumed(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<Thread> all;
        synchronized (resumed) {
            all = List.copyOf(resumed);
        }
        for (Thread thread : all) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    /** Records that this node hands the execution over: it is being stopped, and another live node restarts it. */
    public void handOver(long executionId) {
        jdbc.update("INSERT INTO job_handovers (job_execution_id, from_node) VALUES (?, ?) ON CONFLICT DO NOTHING", executionId,
                NodeName.current());
        log.info("Handing job execution {} over to the other live nodes: it stops after its current chunk and one of them resumes it",
                executionId);
    }

    /**
     * One look: recovers the serve nodes' nights whose process is gone and restarts them, and restarts the nights
     * handed over that have stopped. Returns the executions restarted here.
     */
    public List<Long> takeOverNow() {
        List<Long> dead = jdbc.queryForList("SELECT job_execution_id FROM running_jobs WHERE serve ORDER BY job_execution_id", Long.class)
                .stream().filter(id -> !ownership.ownedExecutions().contains(id) && !ownership.isOwnedByLiveProcess(id)).toList();
        List<Long> handed = jdbc.queryForList("SELECT job_execution_id FROM job_handovers ORDER BY job_execution_id", Long.class);
        if (dead.isEmpty() && handed.isEmpty()) {
            return List.of();
        }
        try {
            return ClusterLock.tryWhileHeld(dataSource, "billing-failover", () -> {
                List<Long> candidates = new ArrayList<>(handed);
                for (long id : dead) {
                    JobControl.Recovery recovery = control.recover(id);
                    if (recovery.recovered()) {
                        log.warn("Job execution {} ({}) was left running by a serve node that is gone; resuming it here", id,
                                recovery.execution().getJobInstance().getJobName());
                        candidates.add(id);
                    }
                }
                List<Long> restarted = new ArrayList<>();
                for (long id : candidates) {
                    if (resume(id)) {
                        restarted.add(id);
                    }
                }
                return restarted;
            }).orElse(List.of()); // empty: another node is resuming them
        } catch (SQLException e) {
            throw new org.springframework.dao.DataAccessResourceFailureException("cannot take the failover lock", e);
        }
    }

    /** Restarts a stopped or recovered execution in a thread of its own; true when it did. */
    private boolean resume(long id) {
        JobExecution execution = control.get(id);
        if (execution.getStatus().isRunning()) {
            return false; // handed over, still ending its current chunk: the next look
        }
        if (control.restartedAs(execution) != null || execution.getStatus() == BatchStatus.COMPLETED
                || execution.getStatus() == BatchStatus.ABANDONED) {
            forget(id);
            return false;
        }
        try {
            control.restartable(id, false);
        } catch (OperatorException e) {
            log.warn("Job execution {} cannot be resumed by another node: {}", id, e.getMessage());
            forget(id);
            return false;
        }
        String job = execution.getJobInstance().getJobName();
        log.info("Resuming job execution {} ({}, {}) on this node", id, job, JobControl.businessDate(execution));
        Thread thread = threads.thread("resumed-" + id, () -> {
            try {
                JobExecution restart = control.restart(id);
                log.info("Job execution {} ({}), resumed here as execution {}, ended {}", id, job, restart.getId(), restart.getStatus());
            } catch (RuntimeException e) {
                log.warn("Resuming job execution {} ({}) failed: {}", id, job, e.toString());
            }
        });
        synchronized (resumed) {
            resumed.removeIf(t -> !t.isAlive());
            resumed.add(thread);
        }
        thread.start();
        // the lock is held until the restart's execution exists: no other node restarts it meanwhile
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (control.restartedAs(execution) == null && thread.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        forget(id);
        return true;
    }

    private void forget(long id) {
        jdbc.update("DELETE FROM job_handovers WHERE job_execution_id = ?", id);
    }
}
