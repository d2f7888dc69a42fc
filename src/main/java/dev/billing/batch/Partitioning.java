package dev.billing.batch;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.StepExecutionAggregator;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.core.MessagingTemplate;
import org.springframework.integration.jdbc.store.JdbcChannelMessageStore;
import org.springframework.integration.jdbc.store.channel.PostgresChannelMessageStoreQueryProvider;
import org.springframework.integration.store.MessageGroupQueue;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Partitioned steps (Spring Batch partitioning): a manager step splits the tokens into partitions
 * ({@link TokenPartition}) and runs a worker step for each.
 *
 * <p>In {@code serve}, the partitions are remote: the manager sends one request per partition through Spring
 * Integration's JDBC channel message store, on the engine's own PostgreSQL ({@link PartitionWorker} on every serve
 * node takes them), and polls the job repository for their results; by default there are as many partitions as
 * live serve nodes. Anywhere else ({@code run}, {@code demo}, the benchmarks) there is one partition, run in this
 * process, unless {@code billing.partitions.count} says how many.
 */
@Component
public class Partitioning {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Partitioning.class);

    /** The message group that holds the partition requests. */
    public static final String REQUESTS = "billing-partition-requests";
    static final String REGION = "BILLING";

    private final JobRepository jobRepository;
    private final JdbcTemplate jdbc;
    private final DataSource dataSource;
    private JdbcChannelMessageStore store;
    private final int count;
    private final boolean remote;

    public Partitioning(JobRepository jobRepository, DataSource dataSource,
                        @Value("${billing.partitions.count:0}") int count,
                        @Value("${billing.partitions.remote:false}") boolean remote) {
        if (count < 0) {
            throw new IllegalArgumentException("billing.partitions.count must be 0 (automatic) or more, not " + count);
        }
        this.jobRepository = jobRepository;
        this.jdbc = new JdbcTemplate(dataSource);
        this.dataSource = dataSource;
        this.count = count;
        this.remote = remote;
    }

    /** The store of partition requests, as the senders and the {@link PartitionWorker}s both use it. */
    static JdbcChannelMessageStore requestStore(DataSource dataSource) {
        JdbcChannelMessageStore store = new JdbcChannelMessageStore(dataSource);
        store.setChannelMessageStoreQueryProvider(new PostgresChannelMessageStoreQueryProvider());
        store.setRegion(REGION);
        store.addAllowedPatterns("org.springframework.batch.integration.partition.StepExecutionRequest",
                "org.springframework.messaging.*", "org.springframework.integration.*", "java.util.*", "java.lang.*");
        store.afterPropertiesSet();
        return store;
    }

    /** The request store, made when a remote step first needs it (a process that never sends keeps no such store). */
    private synchronized JdbcChannelMessageStore store() {
        if (store == null) {
            store = requestStore(dataSource);
        }
        return store;
    }

    /** What a manager step's worker step is named: the manager's name and this (workers find the step by that name). */
    public static final String WORKER_SUFFIX = "-partition";
    /** The partition requests in flight between nodes: what a backup leaves out (a restored night re-sends its own). */
    public static final String REQUESTS_TABLE = "public.int_channel_message";

    /**
     * A manager step named {@code name} that runs {@code worker}, named {@code name + WORKER_SUFFIX}, once per
     * partition and sums the results with {@code aggregator}. Each partition's step execution is named
     * {@code <worker>:partition<N>} (Spring Batch's step name, then the partition's).
     */
    public Step manager(String name, Step worker, StepExecutionAggregator aggregator) {
        if (!worker.getName().equals(name + WORKER_SUFFIX)) {
            throw new IllegalArgumentException("the worker step of " + name + " must be named " + name + WORKER_SUFFIX + ", not " + worker.getName());
        }
        return new StepBuilder(name, jobRepository)
                .partitioner(worker.getName(), TokenPartition.partitioner())
                .step(worker)
                .partitionHandler(new NodesHandler(worker))
                .aggregator(aggregator)
                .listener(StepLoggingContext.INSTANCE)
                .build();
    }

    /** Whether a step execution is a partition of a manager step (listed under it, not beside it). */
    public static boolean isPartition(StepExecution step) {
        return step.getStepName().contains(WORKER_SUFFIX + ":partition");
    }

    /** The partitions of manager step {@code managerStep} in {@code execution}, in partition order. */
    public static List<StepExecution> partitionsOf(JobExecution execution, String managerStep) {
        String prefix = managerStep + WORKER_SUFFIX + ":partition";
        return execution.getStepExecutions().stream()
                .filter(s -> s.getStepName().startsWith(prefix))
                .sorted(Comparator.comparingInt(s -> Integer.parseInt(s.getStepName().substring(prefix.length()))))
                .toList();
    }

    /** Serve nodes alive now: the Quartz cluster's members that checked in within two of their intervals. */
    int liveNodes() {
        Integer nodes = jdbc.queryForObject("""
                SELECT count(*) FROM qrtz_scheduler_state
                WHERE last_checkin_time > (extract(epoch FROM clock_timestamp()) * 1000)::bigint - 2 * checkin_interval""", Integer.class);
        return nodes == null ? 0 : nodes;
    }

    private boolean isRestart(StepExecution manager) {
        return jobRepository.getJobExecutions(manager.getJobExecution().getJobInstance()).size() > 1;
    }

    /**
     * A restarted night: a partition of its failed run may still be running on a live node (its manager's node died,
     * not the worker's). That worker sees its night is no longer running and stops after its current chunk; until it
     * has, its request's row stays locked. The restart waits for that (at most ten minutes), so that the same tokens
     * are never in two partitions at once.
     */
    private void waitForEarlierPartitions(StepExecution manager) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
        boolean told = false;
        while (System.nanoTime() < deadline) {
            Integer taken = JdbcClient.create(jdbc).sql("""
                    SELECT (SELECT count(*) FROM int_channel_message WHERE region = :region)
                         - (SELECT count(*) FROM (SELECT 1 FROM int_channel_message WHERE region = :region FOR UPDATE SKIP LOCKED) free)""")
                    .param("region", REGION).query(Integer.class).single();
            if (taken == null || taken == 0) {
                return;
            }
            if (!told) {
                log.info("Step {}: waiting for {} partition(s) of an earlier run still running on other nodes", manager.getStepName(), taken);
                told = true;
            }
            Thread.sleep(1000);
        }
        log.warn("Step {}: partitions of an earlier run still hold their requests after ten minutes; going on", manager.getStepName());
    }

    /**
     * The partitions sent to the serve nodes' workers ({@link PartitionWorker}), one request each, then waited for: a
     * partition has ended when its step execution is no longer running and no worker holds it (a partition handed
     * over by a departing node stays STARTED and is resumed by another). When the night is asked to stop, a partition
     * that no node runs (not begun, or left by a node that is gone) is ended STOPPED here after two seconds, so that
     * the night stops in bounded time even when no worker is left to begin it.
     */
    private Collection<StepExecution> remotely(StepExecutionSplitter splitter, StepExecution manager, int grid) throws Exception {
        if (isRestart(manager)) {
            waitForEarlierPartitions(manager);
        }
        String workerName = manager.getStepName() + WORKER_SUFFIX;
        List<StepExecution> partitions = splitter.split(manager, grid).stream().sorted(Comparator.comparingLong(StepExecution::getId)).toList();
        MessagingTemplate requests = new MessagingTemplate(new QueueChannel(new MessageGroupQueue(store(), REQUESTS)));
        for (StepExecution partition : partitions) {
            requests.send(MessageBuilder.withPayload(new StepExecutionRequest(workerName, partition.getId())).build());
        }
        Map<Long, Integer> unheld = new HashMap<>();
        while (true) {
            JobExecution night = jobRepository.getJobExecution(manager.getJobExecutionId());
            Map<Long, StepExecution> now = new HashMap<>();
            night.getStepExecutions().forEach(s -> now.put(s.getId(), s));
            Set<Long> held = heldPartitions();
            List<StepExecution> ended = new ArrayList<>();
            for (StepExecution partition : partitions) {
                StepExecution fresh = now.getOrDefault(partition.getId(), partition);
                boolean running = held.contains(Integer.toUnsignedLong((int) fresh.getId()));
                if (!fresh.getStatus().isRunning() && !running) {
                    ended.add(fresh);
                } else if (night.getStatus() == BatchStatus.STOPPING && !running && unheld.merge(fresh.getId(), 1, Integer::sum) > 4) {
                    try {
                        endNotBegun(fresh, jobRepository, "no node ran it when its job execution was asked to stop; a restart runs it");
                        log.info("Partition {} (step execution {}) ended STOPPED: no node ran it when its night was asked to stop",
                                fresh.getStepName(), fresh.getId());
                    } catch (OptimisticLockingFailureException e) {
                        unheld.remove(fresh.getId()); // a node took it meanwhile
                    }
                } else if (running) {
                    unheld.remove(fresh.getId());
                }
            }
            if (ended.size() == partitions.size()) {
                return ended;
            }
            Thread.sleep(500);
        }
    }

    /** The step executions whose partition a worker runs now (the holders of {@link PartitionWorker#PARTITION_CLASS}). */
    private Set<Long> heldPartitions() {
        return new HashSet<>(jdbc.queryForList("""
                SELECT objid::bigint FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = CAST(? AS oid)""", Long.class,
                PartitionWorker.PARTITION_CLASS));
    }

    /** Ends a partition that no node runs STOPPED, saying why; the night's restart runs it. */
    static void endNotBegun(StepExecution execution, JobRepository jobRepository, String why) {
        execution.setStatus(BatchStatus.STOPPED);
        execution.setExitStatus(ExitStatus.STOPPED.addExitDescription(why));
        execution.setEndTime(LocalDateTime.now(ZoneId.systemDefault())); // as Spring Batch stamps its own
        jobRepository.update(execution);
    }

    /** Decides at each run where the partitions go and how many there are (a restart keeps the first run's number). */
    private final class NodesHandler implements PartitionHandler {

        private final Step worker;

        NodesHandler(Step worker) {
            this.worker = worker;
        }

        @Override
        public Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution manager) throws Exception {
            int grid = count > 0 ? count : remote ? Math.max(1, liveNodes()) : 1;
            if (remote) {
                return remotely(splitter, manager, grid);
            }
            TaskExecutorPartitionHandler handler = new TaskExecutorPartitionHandler();
            handler.setStep(worker);
            handler.setGridSize(grid);
            handler.setTaskExecutor(grid == 1 ? new SyncTaskExecutor() : new SimpleAsyncTaskExecutor("partition-"));
            handler.afterPropertiesSet();
            return handler.handle(splitter, manager);
        }
    }
}
