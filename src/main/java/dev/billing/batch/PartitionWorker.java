package dev.billing.batch;

import com.zaxxer.hikari.HikariDataSource;
import dev.billing.support.EngineThreads;
import java.sql.DriverManager;
import java.sql.SQLException;
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
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A serve node's worker: takes the partition requests of any node's night and runs them here, one at a time.
 *
 * <p>A request is taken by deleting it from Spring Integration's JDBC message store in a transaction that stays open
 * while the partition runs (on another thread, so that the step's own transactions are its own), and commits when
 * the partition has ended. If this process dies meanwhile, however it dies, PostgreSQL ends its session, the delete
 * is rolled back, and the next free worker takes the same request: it runs the same step execution again, which
 * settles with the gateway what this one left open before it charges anything. While the transaction is open, the
 * row lock keeps every other worker off it (the store's poll skips locked rows): a partition never runs twice at once.
 * New requests wake the workers at once through PostgreSQL's LISTEN/NOTIFY; each also looks every second.
 */
public final class PartitionWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionWorker.class);

    private final JdbcChannelMessageStore store;
    private final TransactionTemplate transaction;
    private final JobRepository jobRepository;
    private final org.springframework.jdbc.core.JdbcTemplate jdbc;
    private final BeanFactoryStepLocator steps = new BeanFactoryStepLocator();
    private final ExecutorService runner;
    private final PostgresChannelMessageTableSubscriber subscriber;
    private final Object wake = new Object();
    private volatile boolean running = true;
    /** The partition running here now, if any. */
    private volatile StepExecution current;
    private final Thread loop;
    private final EngineThreads threads;

    public PartitionWorker(DataSource dataSource, PlatformTransactionManager transactionManager, JobRepository jobRepository,
                           BeanFactory beans, EngineThreads threads) {
        this.threads = threads;
        this.runner = threads.pool("partition-step", 1);
        this.store = Partitioning.requestStore(dataSource);
        this.transaction = new TransactionTemplate(transactionManager);
        this.jobRepository = jobRepository;
        this.jdbc = new org.springframework.jdbc.core.JdbcTemplate(dataSource);
        steps.setBeanFactory(beans);
        HikariDataSource hikari = unwrap(dataSource);
        this.subscriber = hikari == null ? null : new PostgresChannelMessageTableSubscriber(() -> DriverManager
                .getConnection(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword()).unwrap(PgConnection.class));
        this.loop = threads.thread("partition-worker", this::work);
    }

    private static HikariDataSource unwrap(DataSource dataSource) {
        try {
            return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    public void start() {
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
        loop.start();
    }

    private void work() {
        while (running) {
            boolean ran;
            try {
                ran = Boolean.TRUE.equals(transaction.execute(status -> takeAndRun()));
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
     * In the taking transaction: one request, run to its end on the step thread (what Spring Batch's
     * {@code StepExecutionRequestHandler} does, with two rules of the engine's). A request whose night is no longer
     * running (its manager's node died and the execution was recovered, to be restarted with partitions of its own) is
     * dropped, not run; and a partition whose night stops running meanwhile ends after its current chunk, so that it
     * never runs beside the restarted night's partition on the same tokens. False when no request is waiting.
     */
    private boolean takeAndRun() {
        Message<?> message = store.pollMessageFromGroup(Partitioning.REQUESTS);
        if (message == null) {
            return false;
        }
        StepExecutionRequest request = (StepExecutionRequest) message.getPayload();
        StepExecution execution = stepExecution(request.getStepExecutionId());
        if (execution == null) {
            log.warn("Partition request for step execution {}, which is not in the job repository: dropped", request.getStepExecutionId());
            return true;
        }
        if (execution.getStatus() == BatchStatus.COMPLETED || execution.getStatus() == BatchStatus.ABANDONED) {
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
        Step step = steps.getStep(request.getStepName());
        log.info("Running partition {} (step execution {}) on this node", execution.getStepName(), execution.getId());
        current = execution;
        Future<?> done = runner.submit(() -> runStep(step, execution));
        while (true) {
            try {
                done.get(1, TimeUnit.SECONDS);
                current = null;
                log.info("Partition {} (step execution {}) ended {}", execution.getStepName(), execution.getId(), execution.getStatus());
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
                current = null;
                log.warn("Partition {} failed: {}", execution.getStepName(), e.getCause().toString());
                return true;
            }
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
            execution.setStatus(BatchStatus.STOPPED);
            jobRepository.update(execution);
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
        execution.setStatus(BatchStatus.STOPPED);
        execution.setExitStatus(ExitStatus.STOPPED.addExitDescription("not begun: its job execution was asked to stop"));
        execution.setEndTime(java.time.LocalDateTime.now(java.time.ZoneId.systemDefault())); // as Spring Batch stamps its own
        jobRepository.update(execution);
    }

    /**
     * In a taking transaction: the next request, ended STOPPED when its night was asked to stop (true); any other is
     * put back (the transaction rolled back) for a node that goes on working (false).
     */
    private boolean dropStopped(org.springframework.transaction.TransactionStatus status) {
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
     * Takes no more requests, and stops the partition running here, if any, after its current chunk (what SIGTERM does
     * to a serve node's work): its calls in flight are waited for and recorded, it ends STOPPED, and so does its
     * night, which the next firing or {@code jobs restart} resumes. Waits up to 90 seconds for that.
     */
    @Override
    public void close() {
        running = false;
        StepExecution partition = current;
        if (partition != null) {
            log.info("Stopping partition {} after its current chunk", partition.getStepName());
            partition.setTerminateOnly();
        }
        synchronized (wake) {
            wake.notifyAll();
        }
        if (subscriber != null) {
            subscriber.stop();
        }
        try {
            loop.join(TimeUnit.SECONDS.toMillis(90));
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
}
