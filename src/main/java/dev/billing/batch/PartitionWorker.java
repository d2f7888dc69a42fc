package dev.billing.batch;

import com.zaxxer.hikari.HikariDataSource;
import dev.billing.support.EngineThreads;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.jdbc.PgConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.BeanFactoryStepLocator;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.integration.jdbc.channel.PostgresChannelMessageTableSubscriber;
import org.springframework.integration.jdbc.store.JdbcChannelMessageStore;
import org.springframework.messaging.Message;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A serve node's worker: takes the partition requests of any node's night and runs them here.
 *
 * <p>A request is taken by deleting it from Spring Integration's JDBC message store in a transaction that stays open
 * while the partition runs (on another thread, so that the step's own transactions are its own), and commits when
 * the partition has ended. If this process dies meanwhile, however it dies, PostgreSQL ends its session, the delete
 * is rolled back, and the next free worker takes the same request: it runs the same step execution again, which
 * settles with the gateway what this one left open before it charges anything. While the transaction is open, the
 * row lock keeps every other worker off it (the store's poll skips locked rows): a partition never runs twice at once.
 * The same transaction holds an advisory lock on the step execution ({@link #PARTITION_CLASS}), by which the night's
 * manager tells a partition that runs somewhere from one that no node runs. New requests wake the workers at once
 * through PostgreSQL's LISTEN/NOTIFY; each also looks every second.
 *
 * <p><b>Several at once.</b> A node runs up to {@code billing.partitions.per-node} partitions at once (default 2): the
 * first as soon as it is sent, the others only when they have waited {@link #OVERFLOW_WAIT} (no idle node took them),
 * so that a night's partitions spread over the nodes, and a dead or departing node's partition is taken at once by a
 * node already running its own.
 *
 * <p><b>Handing over.</b> While it runs, the worker holds an advisory lock of {@link #WORKER_CLASS} on a connection of
 * its own: the live workers are the holders of that lock. When it is closed (SIGTERM on serve) and other workers are
 * live, the partitions running here stop after their current chunk and are handed over: their step executions stay
 * STARTED and their requests are put back (the taking transaction rolls back), so that another node resumes them and
 * the night goes on. Only the last worker stops them (STOPPED, so the night stops, resumable).
 */
public final class PartitionWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionWorker.class);
    /** The advisory lock class held by every live worker (key 2: a random key of its own): "BWRK". */
    static final int WORKER_CLASS = 0x4257524B;
    /** The advisory lock class held, in the taking transaction, on each partition running (key 2: its step execution): "BPRT". */
    static final int PARTITION_CLASS = 0x42505254;
    /** How long a request waits before a node already running a partition takes it too. */
    static final Duration OVERFLOW_WAIT = Duration.ofSeconds(3);
    /** The step executions this process is handing over (their step ends STARTED, see {@link PartitionNodes}). */
    private static final Set<Long> HANDING_OVER = ConcurrentHashMap.newKeySet();

    private final JdbcChannelMessageStore store;
    private final TransactionTemplate transaction;
    private final JobRepository jobRepository;
    private final DataSource dataSource;
    private final org.springframework.jdbc.core.JdbcTemplate jdbc;
    private final BeanFactoryStepLocator steps = new BeanFactoryStepLocator();
    private final ExecutorService runner;
    private final PostgresChannelMessageTableSubscriber subscriber;
    private final Object wake = new Object();
    private volatile boolean running = true;
    /** The partitions running here now, one place per slot (null: the slot is free). */
    private final StepExecution[] current;
    /** The requests this worker's slots hold now. */
    private final java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
    private final List<Thread> loops = new ArrayList<>();
    private final EngineThreads threads;
    private final ExecutionOwnership ownership;
    private Connection presence;
    /** This worker's key among the live workers' locks. */
    private volatile int presenceKey;

    public PartitionWorker(DataSource dataSource, PlatformTransactionManager transactionManager, JobRepository jobRepository,
                           BeanFactory beans, EngineThreads threads, ExecutionOwnership ownership, int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("billing.partitions.per-node must be at least 1, not " + slots);
        }
        this.threads = threads;
        this.ownership = ownership;
        this.runner = threads.pool("partition-step", slots);
        this.store = Partitioning.requestStore(dataSource);
        this.transaction = new TransactionTemplate(transactionManager);
        this.jobRepository = jobRepository;
        this.dataSource = dataSource;
        this.jdbc = new org.springframework.jdbc.core.JdbcTemplate(dataSource);
        this.current = new StepExecution[slots];
        steps.setBeanFactory(beans);
        HikariDataSource hikari = unwrap(dataSource);
        this.subscriber = hikari == null ? null : new PostgresChannelMessageTableSubscriber(() -> DriverManager
                .getConnection(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword()).unwrap(PgConnection.class));
        for (int i = 0; i < slots; i++) {
            int slot = i;
            loops.add(threads.thread("partition-worker-" + (i + 1), () -> work(slot)));
        }
    }

    private static HikariDataSource unwrap(DataSource dataSource) {
        try {
            return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    /** Whether this process is handing the step execution over to another node (it ends STARTED, not STOPPED). */
    static boolean handingOver(long stepExecutionId) {
        return HANDING_OVER.contains(stepExecutionId);
    }

    public void start() {
        try {
            presence = dataSource.getConnection();
            try (PreparedStatement lock = presence.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                boolean taken = false;
                while (!taken) {
                    presenceKey = java.util.concurrent.ThreadLocalRandom.current().nextInt();
                    lock.setInt(1, WORKER_CLASS);
                    lock.setInt(2, presenceKey);
                    try (java.sql.ResultSet rs = lock.executeQuery()) {
                        taken = rs.next() && rs.getBoolean(1);
                    }
                }
            }
        } catch (SQLException e) {
            throw new org.springframework.dao.DataAccessResourceFailureException("cannot register this node's partition worker", e);
        }
        if (subscriber != null) {
            subscriber.subscribe(new PostgresChannelMessageTableSubscriber.Subscription() {
                @Override
                public void notifyUpdate() {
                    synchronized (wake) {
                        wake.notifyAll();
                    }
                }

                @Override
                public String getRegion() {
                    return Partitioning.REGION;
                }

                @Override
                public Object getGroupId() {
                    return org.springframework.integration.util.UUIDConverter.getUUID(Partitioning.REQUESTS).toString();
                }
            });
            // the subscriber waits up to 5 s for its LISTEN session: not on the caller's thread, and a slow start only
            // means the worker finds requests by looking every second until it is listening
            threads.thread("partition-listen", () -> {
                try {
                    subscriber.start();
                } catch (RuntimeException e) {
                    log.info("Partition worker: not listening for requests yet ({}); looking every second", e.getMessage());
                }
            }).start();
        }
        loops.forEach(Thread::start);
    }

    /** The live partition workers of other processes (serve nodes, a benchmark's process), as PostgreSQL knows them. */
    public int otherLiveWorkers() {
        Integer others = jdbc.queryForObject("""
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
                  AND classid = CAST(? AS oid) AND objid <> CAST(? AS oid)""", Integer.class,
                WORKER_CLASS, presenceKey);
        return others == null ? 0 : others;
    }

    private void work(int slot) {
        while (running) {
            boolean ran;
            try {
                ran = Boolean.TRUE.equals(transaction.execute(status -> takeAndRun(slot, status)));
            } catch (RuntimeException e) {
                log.warn("Partition worker: {}; trying again in a second", e.toString());
                ran = false;
            }
            if (!ran && running) {
                synchronized (wake) {
                    try {
                        wake.wait(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * In the taking transaction: one request, run to its end on a step thread (what Spring Batch's
     * {@code StepExecutionRequestHandler} does, with rules of the engine's). A request whose night is no longer
     * running (its manager's node died and the execution was recovered, to be restarted with partitions of its own) is
     * dropped, not run; and a partition whose night stops running meanwhile ends after its current chunk, so that it
     * never runs beside the restarted night's partition on the same tokens. False when no request was taken.
     */
    private boolean takeAndRun(int slot, TransactionStatus status) {
        Message<?> message = store.pollMessageFromGroup(Partitioning.REQUESTS);
        if (message == null) {
            return false;
        }
        int others = taken.getAndIncrement(); // counted before it is looked at: two slots polling at once see each other
        try {
            Long sent = message.getHeaders().getTimestamp();
            if (others > 0 && sent != null && System.currentTimeMillis() - sent < OVERFLOW_WAIT.toMillis()) {
                status.setRollbackOnly(); // an idle node takes it first
                return false;
            }
            return run(slot, message, status);
        } finally {
            taken.decrementAndGet();
        }
    }

    private boolean run(int slot, Message<?> message, TransactionStatus status) {
        StepExecutionRequest request = (StepExecutionRequest) message.getPayload();
        StepExecution execution = stepExecution(request.getStepExecutionId());
        if (execution == null) {
            log.warn("Partition request for step execution {}, which is not in the job repository: dropped", request.getStepExecutionId());
            return true;
        }
        if (!execution.getStatus().isRunning()) {
            log.info("Partition {} (step execution {}) already ended {}: request dropped", execution.getStepName(), execution.getId(),
                    execution.getStatus());
            return true;
        }
        long jobExecutionId = execution.getJobExecutionId();
        BatchStatus night = nightStatus(jobExecutionId);
        if (night == null || !night.isRunning()) {
            log.info("Partition {} (step execution {}) not run: its job execution {} is no longer running", execution.getStepName(),
                    execution.getId(), jobExecutionId);
            execution.setStatus(BatchStatus.ABANDONED);
            execution.setExitStatus(ExitStatus.NOOP.addExitDescription("not run: its job execution had ended"));
            jobRepository.update(execution);
            return true;
        }
        if (night == BatchStatus.STOPPING) {
            notRun(execution);
            return true;
        }
        if (!ownership.ownerIsAlive(jobExecutionId)) {
            // the node running its night died: a live node's failover recovers the night and restarts it with partitions
            // of its own, and this one would only settle what it left open to be stopped at once
            status.setRollbackOnly();
            return false;
        }
        if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?, ?)", Boolean.class, PARTITION_CLASS,
                (int) execution.getId()))) {
            status.setRollbackOnly(); // still held by the transaction of a node that is ending it
            return false;
        }
        Step step = steps.getStep(request.getStepName());
        boolean resumed = execution.getStatus() == BatchStatus.STARTED;
        log.info("{} partition {} (step execution {}) on this node", resumed ? "Resuming" : "Running", execution.getStepName(),
                execution.getId());
        execution.setExitStatus(ExitStatus.EXECUTING); // a partition handed over kept the STOPPED exit of its last chunk
        current[slot] = execution;
        Future<?> done = runner.submit(() -> runStep(step, execution));
        try {
            while (true) {
                try {
                    done.get(1, TimeUnit.SECONDS);
                    if (HANDING_OVER.remove(execution.getId()) && execution.getStatus() == BatchStatus.STARTED) {
                        status.setRollbackOnly(); // the request goes back to the queue: another node resumes the partition
                        log.info("Partition {} (step execution {}) handed over after its current chunk; another node resumes it",
                                execution.getStepName(), execution.getId());
                    } else {
                        log.info("Partition {} (step execution {}) ended {}", execution.getStepName(), execution.getId(), execution.getStatus());
                    }
                    return true;
                } catch (java.util.concurrent.TimeoutException e) {
                    if (!execution.isTerminateOnly() && !nightRunning(jobExecutionId)) {
                        log.info("Partition {}: its job execution {} is no longer running; stopping after the current chunk",
                                execution.getStepName(), jobExecutionId);
                        execution.setTerminateOnly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while partition " + execution.getStepName() + " ran", e);
                } catch (ExecutionException e) {
                    log.warn("Partition {} failed: {}", execution.getStepName(), e.getCause().toString());
                    return true;
                }
            }
        } finally {
            current[slot] = null;
            HANDING_OVER.remove(execution.getId());
        }
    }

    /**
     * The step execution a request names; null when the repository has none (a request older than its records). Asked
     * first with a plain count: the repository's own look-up fails on a missing row inside this transaction, which
     * would then roll back and put the request back at the head of the queue.
     */
    private StepExecution stepExecution(long id) {
        Integer found = jdbc.queryForObject("SELECT count(*) FROM batch_step_execution WHERE step_execution_id = ?", Integer.class, id);
        return found == null || found == 0 ? null : jobRepository.getStepExecution(id);
    }

    private void runStep(Step step, StepExecution execution) {
        try {
            step.execute(execution);
        } catch (JobInterruptedException e) {
            if (!handingOver(execution.getId())) {
                execution.setStatus(BatchStatus.STOPPED);
                jobRepository.update(execution);
            }
        } catch (Throwable e) {
            execution.addFailureException(e);
            execution.setStatus(BatchStatus.FAILED);
            jobRepository.update(execution);
        }
    }

    /**
     * A partition of a night asked to stop is not begun: it ends STOPPED at once, so that its manager, which waits for
     * every partition, ends the night STOPPED instead of waiting for a partition no node will begin, and a restart runs it.
     */
    private void notRun(StepExecution execution) {
        log.info("Partition {} (step execution {}) not begun: its job execution {} was asked to stop; a restart runs it",
                execution.getStepName(), execution.getId(), execution.getJobExecutionId());
        Partitioning.endNotBegun(execution, jobRepository, "not begun: its job execution was asked to stop");
    }

    /**
     * In a taking transaction: the next request, ended STOPPED when its night was asked to stop (true); any other is
     * put back (the transaction rolled back) for a node that goes on working (false).
     */
    private boolean dropStopped(TransactionStatus status) {
        Message<?> message = store.pollMessageFromGroup(Partitioning.REQUESTS);
        if (message == null) {
            return false;
        }
        StepExecution execution = stepExecution(((StepExecutionRequest) message.getPayload()).getStepExecutionId());
        if (execution != null && execution.getStatus() == BatchStatus.STARTING && nightStatus(execution.getJobExecutionId()) == BatchStatus.STOPPING) {
            notRun(execution);
            return true;
        }
        status.setRollbackOnly();
        return false;
    }

    private boolean nightRunning(long jobExecutionId) {
        BatchStatus night = nightStatus(jobExecutionId);
        return night != null && night.isRunning();
    }

    /** The night's status as the job repository has it now (STOPPING once a stop was asked); null when it has none. */
    private BatchStatus nightStatus(long jobExecutionId) {
        org.springframework.batch.core.job.JobExecution job = jobRepository.getJobExecution(jobExecutionId);
        return job == null ? null : job.getStatus();
    }

    /**
     * Takes no more requests, and ends the partitions running here after their current chunk (what SIGTERM does to a
     * serve node's work): their calls in flight are waited for and recorded. When other workers are live, each is
     * handed over to them (it stays STARTED and its request goes back; the night goes on); on the last worker, or
     * when its night was asked to stop, it ends STOPPED, and so does its night, which the next firing or
     * {@code jobs restart} resumes. Waits up to 90 seconds for that.
     */
    @Override
    public void close() {
        running = false;
        leave();
        int others = otherLiveWorkersOrNone();
        for (StepExecution partition : current) {
            if (partition == null) {
                continue;
            }
            if (others > 0 && nightStatus(partition.getJobExecutionId()) == BatchStatus.STARTED) {
                log.info("Handing partition {} over to the {} other live node(s) after its current chunk", partition.getStepName(), others);
                HANDING_OVER.add(partition.getId());
            } else {
                log.info("Stopping partition {} after its current chunk", partition.getStepName());
            }
            partition.setTerminateOnly();
        }
        synchronized (wake) {
            wake.notifyAll();
        }
        if (subscriber != null) {
            subscriber.stop();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        try {
            for (Thread loop : loops) {
                loop.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        // the partitions of a night asked to stop that no node has begun (this one may have been the only node) end
        // STOPPED now: their manager waits for every partition, and would otherwise wait for ever
        try {
            for (int i = 0; i < 10_000 && Boolean.TRUE.equals(transaction.execute(this::dropStopped)); i++) {
                // one request each
            }
        } catch (RuntimeException e) {
            log.warn("Partition worker: could not end the waiting partitions of a stopped night: {}", e.toString());
        }
    }

    private int otherLiveWorkersOrNone() {
        try {
            return otherLiveWorkers();
        } catch (RuntimeException e) {
            log.warn("Partition worker: cannot tell which other nodes are live ({}); stopping the partitions here", e.toString());
            return 0;
        }
    }

    /** No longer counted among the live workers. */
    private void leave() {
        Connection connection = presence;
        presence = null;
        if (connection != null) {
            try (connection; PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
                unlock.setInt(1, WORKER_CLASS);
                unlock.setInt(2, presenceKey);
                unlock.execute(); // the connection goes back to the pool, its session lives on
            } catch (SQLException e) {
                log.debug("closing the worker's presence connection: {}", e.getMessage());
            }
        }
    }
}
