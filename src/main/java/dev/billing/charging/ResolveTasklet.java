package dev.billing.charging;

import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayReply;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Resolves every charge attempt left PREPARED, SENT or UNKNOWN (by a crash, a stop, a timeout, a pending reply),
 * one page per chunk, up to {@code concurrency} at a time, through {@link ChargeResolver}. The last attempt id
 * handled is saved with each chunk, so a restart continues after it.
 */
public class ResolveTasklet implements Tasklet {

    private static final String LAST_ID = "resolve.last-id";

    private final ChargeLedger ledger;
    private final ChargeResolver resolver;
    private final ChargeSettings settings;
    private final LocalDate businessDate;

    public ResolveTasklet(ChargeLedger ledger, ApsClient client, ChargeSettings settings, LocalDate businessDate) {
        this.ledger = ledger;
        this.resolver = new ChargeResolver(client, settings.resolveTries, settings.resolveBackoff);
        this.settings = settings;
        this.businessDate = businessDate;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        ExecutionContext context = contribution.getStepExecution().getExecutionContext();
        long lastId = context.getLong(LAST_ID, 0);
        List<ChargeLedger.Unresolved> page = ledger.unresolvedPage(lastId, settings.chunkSize);
        if (page.isEmpty()) {
            return RepeatStatus.FINISHED;
        }
        List<ChargeResult> results = new ArrayList<>(page.size());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.concurrency, page.size()));
        try {
            List<Future<GatewayReply>> replies = new ArrayList<>();
            for (ChargeLedger.Unresolved attempt : page) {
                replies.add(pool.submit(() -> resolver.resolve(attempt.order())));
            }
            for (int i = 0; i < page.size(); i++) {
                results.add(ChargeResult.sent(page.get(i).order(), replies.get(i).get()));
            }
        } finally {
            pool.shutdownNow();
        }
        ledger.record(results, businessDate, settings.schedule, contribution.getStepExecution().getJobExecutionId());
        ChargeStats.of(results).addTo(context);
        for (int i = 0; i < results.size(); i++) {
            contribution.incrementReadCount();
        }
        contribution.incrementWriteCount(results.size());
        context.putLong(LAST_ID, page.get(page.size() - 1).id());
        return RepeatStatus.CONTINUABLE;
    }
}
