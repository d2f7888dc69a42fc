package dev.billing.batch;

import dev.billing.support.EngineThreads;
import java.util.List;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A step that settles open ledger rows with the gateway, one page per chunk, up to {@code concurrency} at a time.
 * The last row id handled is saved with each chunk, so a restart continues after it; a row still unsettled is not
 * asked about again in the same step.
 */
public abstract class PagedResolveTasklet<T, R> implements Tasklet {

    private final String lastIdKey;
    private final int pageSize;
    private final int concurrency;
    private final EngineThreads threads;

    protected PagedResolveTasklet(String name, int pageSize, int concurrency, EngineThreads threads) {
        this.threads = threads;
        this.lastIdKey = name + ".last-id";
        this.pageSize = pageSize;
        this.concurrency = concurrency;
    }

    protected abstract List<T> page(long afterId, int limit);

    protected abstract long idOf(T row);

    /** Asks the gateway about one row (and sends again what it says never happened); null to leave it for now. */
    protected abstract R resolve(T row, long jobExecutionId) throws Exception;

    protected abstract void record(List<R> results, long jobExecutionId);

    protected abstract void count(List<R> results, ExecutionContext context);

    /** Lines that end the step's summary once everything is settled (the flow's totals, for its last step); none by default. */
    protected List<String> closingLines() {
        return List.of();
    }

    /** What the step has done so far, from its execution context, for its {@link StepSummary}. */
    protected abstract String describe(ExecutionContext context);

    private List<R> resolvePage(List<T> page, long jobExecutionId) throws InterruptedException {
        return Concurrently.map(threads, page, concurrency, row -> resolve(row, jobExecutionId)).stream()
                .filter(java.util.Objects::nonNull).toList();
    }

    /**
     * Settles every open row now, a page per transaction, outside any step: what a restarted step does before it
     * moves any new money, whichever step of the job it resumes from. Returns how many rows it settled or retried.
     */
    public long settleAll(long jobExecutionId, TransactionTemplate transaction) throws InterruptedException {
        long afterId = 0;
        long settled = 0;
        for (List<T> page = page(afterId, pageSize); !page.isEmpty(); page = page(afterId, pageSize)) {
            List<R> results = resolvePage(page, jobExecutionId);
            transaction.executeWithoutResult(status -> record(results, jobExecutionId));
            settled += results.size();
            afterId = idOf(page.get(page.size() - 1));
        }
        return settled;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        ExecutionContext context = contribution.getStepExecution().getExecutionContext();
        long jobExecutionId = contribution.getStepExecution().getJobExecutionId();
        List<T> page = page(context.getLong(lastIdKey, 0), pageSize);
        if (page.isEmpty()) {
            List<String> closing = closingLines();
            if (!closing.isEmpty()) {
                List<String> summary = new java.util.ArrayList<>();
                summary.add(context.containsKey(lastIdKey) ? describe(context) : "nothing was left open");
                summary.addAll(closing);
                StepSummary.put(context, summary);
            }
            return RepeatStatus.FINISHED;
        }
        List<R> results = resolvePage(page, jobExecutionId);
        record(results, jobExecutionId);
        count(results, context);
        if (!results.isEmpty()) {
            StepSummary.put(context, describe(context));
        }
        for (int i = 0; i < results.size(); i++) {
            contribution.incrementReadCount();
        }
        contribution.incrementWriteCount(results.size());
        context.putLong(lastIdKey, idOf(page.get(page.size() - 1)));
        return RepeatStatus.CONTINUABLE;
    }
}
