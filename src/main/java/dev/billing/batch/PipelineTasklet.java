package dev.billing.batch;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A step that drives a {@link CallPipeline}: each call of {@link #execute} is one chunk, committed in the step's
 * transaction: it takes up to {@code chunkSize} completed results and records them. When the step ends early
 * (stopped, failed), the calls still in flight are waited for and recorded too, in a transaction of their own.
 */
public abstract class PipelineTasklet<T, R> implements Tasklet, StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(PipelineTasklet.class);

    private final int chunkSize;
    private final TransactionTemplate transaction;
    private Pipeline<R> pipeline;
    private long jobExecutionId;
    private TokenPartition partition = TokenPartition.WHOLE;

    protected PipelineTasklet(int chunkSize, PlatformTransactionManager transactionManager) {
        this.chunkSize = chunkSize;
        this.transaction = new TransactionTemplate(transactionManager);
    }

    protected abstract Pipeline<R> createPipeline(long jobExecutionId);

    /**
     * Settles what earlier runs left open before any new call (a restart may resume this step directly, after the
     * steps that settle it completed in the run that failed); returns how many it settled.
     */
    protected abstract long settleOpenFirst(long jobExecutionId, TransactionTemplate transaction) throws InterruptedException;

    /**
     * The tokens this step execution works on ({@link TokenPartition#WHOLE} unless it is a partition), known from
     * {@link #beforeStep} on: what it settles first and what it sends must both stay within them, since another
     * partition's open rows may be calls in flight on another node.
     */
    protected TokenPartition partition() {
        return partition;
    }

    /** The execution context key under which the step keeps how many open rows it settled first. */
    public static final String SETTLED_FIRST = "settled-first";

    /**
     * The aggregator of a partitioned pipeline step: {@code addStats} sums one partition's figures into the totals,
     * the open rows each settled first are summed here, and {@code describe} words the totals (see {@link PartitionTotals}).
     */
    protected static org.springframework.batch.core.partition.StepExecutionAggregator partitionTotals(
            java.util.function.BiConsumer<ExecutionContext, ExecutionContext> addStats,
            java.util.function.Function<ExecutionContext, String> describe) {
        return PartitionTotals.of((total, partition) -> {
            addStats.accept(total, partition);
            total.putLong(SETTLED_FIRST, total.getLong(SETTLED_FIRST, 0) + partition.getLong(SETTLED_FIRST, 0));
        }, describe);
    }

    /** Records results in the ledger, in the current transaction. */
    protected abstract void record(List<R> results, long jobExecutionId);

    /** Counts results into the step's contribution and execution context. */
    protected abstract void count(List<R> results, StepContribution contribution);

    /** The exception that fails the step after the result that stopped the run was recorded. */
    protected abstract RuntimeException stoppedBy(R result);

    /** The step's exit description, from its execution context. */
    protected abstract String describe(StepExecution stepExecution);

    /** What the step did, for its {@link StepSummary}: its description, then any lines of the subclass's. */
    protected List<String> summary(StepExecution stepExecution) {
        return List.of(describe(stepExecution));
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        jobExecutionId = stepExecution.getJobExecutionId();
        partition = TokenPartition.of(stepExecution.getExecutionContext());
        try {
            long settled = settleOpenFirst(jobExecutionId, transaction);
            if (settled > 0) {
                log.info("Step {} settled {} open ledger rows before any new call", stepExecution.getStepName(), settled);
            }
            stepExecution.getExecutionContext().putLong(SETTLED_FIRST, stepExecution.getExecutionContext().getLong(SETTLED_FIRST, 0) + settled);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while settling open ledger rows", e);
        }
        pipeline = createPipeline(jobExecutionId);
        pipeline.start();
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        if (pipeline.feederFailure() != null) {
            throw pipeline.feederFailure();
        }
        List<R> batch = pipeline.take(chunkSize);
        if (batch.isEmpty() && pipeline.feederFailure() != null) {
            throw pipeline.feederFailure(); // it failed while this chunk waited: the work is not all done
        }
        if (batch.isEmpty()) {
            R stopped = pipeline.stoppedBy();
            if (stopped != null) {
                throw stoppedBy(stopped);
            }
            return RepeatStatus.FINISHED;
        }
        record(batch, jobExecutionId);
        count(batch, contribution);
        return RepeatStatus.CONTINUABLE;
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        if (pipeline == null) {
            return stepExecution.getExitStatus();
        }
        try {
            List<R> rest = pipeline.finish(Duration.ofSeconds(60));
            if (!rest.isEmpty()) {
                transaction.executeWithoutResult(s -> record(rest, jobExecutionId));
                log.info("Recorded {} results of calls that were in flight when step {} ended", rest.size(), stepExecution.getStepName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Could not record the calls in flight when the step ended ({}); the next run resolves them", e.toString());
        } finally {
            pipeline.close();
        }
        StepSummary.put(stepExecution.getExecutionContext(), summary(stepExecution));
        return stepExecution.getExitStatus().addExitDescription(describe(stepExecution));
    }
}
