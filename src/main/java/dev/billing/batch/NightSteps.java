package dev.billing.batch;

import java.time.LocalDate;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.job.flow.support.SimpleFlow;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.partition.StepExecutionAggregator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * How the nights' jobs and steps are built, said once, so that each job's configuration reads as its steps in order:
 * a job owned by the process that runs it and never run twice at once ({@link #job}), a flow of steps in order
 * ({@link #inOrder}), a step of one tasklet ({@link #tasklet}), and a partitioned call step: a worker that runs its
 * tasklet on the partition it is given, with the nodes' bookkeeping and its progress ({@link #partitionWorker}), and
 * its manager, which runs the worker once per partition here or on every serve node ({@link #partitioned}).
 */
@Component
public class NightSteps {

    private final JobRepository repository;
    private final PlatformTransactionManager transactionManager;
    private final Partitioning partitioning;
    private final ExecutionOwnership ownership;
    private final DataSource dataSource;

    public NightSteps(JobRepository repository, PlatformTransactionManager transactionManager, Partitioning partitioning,
                      ExecutionOwnership ownership, DataSource dataSource) {
        this.repository = repository;
        this.transactionManager = transactionManager;
        this.partitioning = partitioning;
        this.ownership = ownership;
        this.dataSource = dataSource;
    }

    /**
     * A job that runs {@code flow}, owned by the process that runs it, that no other run of itself (nor of the jobs
     * {@code alsoExcluding}) overlaps.
     */
    public Job job(String name, Flow flow, String... alsoExcluding) {
        return new JobBuilder(name, repository)
                .listener((JobExecutionListener) ownership)
                .listener((JobExecutionListener) new JobExclusivity(dataSource, alsoExcluding))
                .start(flow)
                .end()
                .build();
    }

    /** The steps one after the other, as a flow named {@code name}. */
    public static Flow inOrder(String name, Step... steps) {
        FlowBuilder<SimpleFlow> flow = new FlowBuilder<>(name);
        flow.start(steps[0]);
        for (int i = 1; i < steps.length; i++) {
            flow.next(steps[i]);
        }
        return flow.build();
    }

    /** A step that runs {@code tasklet}, each of its calls in a transaction. */
    public Step tasklet(String name, Tasklet tasklet) {
        return new StepBuilder(name, repository).tasklet(tasklet, transactionManager).listener(StepLoggingContext.INSTANCE).build();
    }

    /**
     * The worker step of a partitioned call step, named {@code name} (its bean name too, by which the nodes find it):
     * {@code tasklet} on the partition in its execution context, with {@code progress} counting what it does.
     */
    public <T extends Tasklet & StepExecutionListener> Step partitionWorker(String name, T tasklet, ProgressListener progress) {
        return new StepBuilder(name, repository)
                .tasklet(tasklet, transactionManager)
                .listener(StepLoggingContext.INSTANCE)
                .listener(new PartitionNodes())
                .listener((StepExecutionListener) tasklet)
                .listener((StepExecutionListener) progress)
                .listener((ChunkListener<?, ?>) progress)
                .build();
    }

    /** A partitioned call step: runs {@code worker} once per partition and sums the partitions with {@code totals}. */
    public Step partitioned(String name, Step worker, StepExecutionAggregator totals) {
        return partitioning.manager(name, worker, totals);
    }

    /**
     * The progress of one partition of a step of {@code job}: its total is {@code total} of the partition, counted only
     * when progress is shown.
     */
    public static ProgressListener progress(String job, LocalDate businessDate, StepExecution stepExecution, ProgressProperties progress,
                                            ToLongFunction<TokenPartition> total) {
        TokenPartition partition = TokenPartition.of(stepExecution.getExecutionContext());
        return new ProgressListener(job + " " + businessDate + (partition.count() == 1 ? "" : " (" + partition + ")"),
                progress.enabled() ? total.applyAsLong(partition) : 0, progress.out(), progress.interval());
    }
}
