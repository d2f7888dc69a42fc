package dev.billing.charging;

import dev.billing.batch.Pipeline;
import dev.billing.batch.PipelineTasklet;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayHealth;
import dev.billing.ledger.CardAttempts;
import dev.billing.ledger.RunSettings;
import dev.billing.support.EngineThreads;
import java.time.LocalDate;
import java.util.List;
import org.springframework.batch.core.partition.StepExecutionAggregator;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The charge step: the {@link ChargePipeline}'s results, recorded in chunks. */
public class ChargeTasklet extends PipelineTasklet<DueOrder, ChargeResult> {

    private final ChargeLedger ledger;
    private final CardAttempts cardAttempts;
    private final ApsClient client;
    private final RunSettings settings;
    private final LocalDate businessDate;
    private final EngineThreads threads;

    /** The accounts whose orders it charges, each in a lane of its own when there are several. */
    private final List<String> accounts;

    public ChargeTasklet(ChargeLedger ledger, CardAttempts cardAttempts, ApsClient client, RunSettings settings,
                         LocalDate businessDate, PlatformTransactionManager transactionManager, EngineThreads threads) {
        this(ledger, cardAttempts, client, List.of(), settings, businessDate, transactionManager, threads);
    }

    public ChargeTasklet(ChargeLedger ledger, CardAttempts cardAttempts, ApsClient client, List<String> accounts, RunSettings settings,
                         LocalDate businessDate, PlatformTransactionManager transactionManager, EngineThreads threads) {
        super(settings.chunkSize(), transactionManager);
        this.accounts = List.copyOf(accounts);
        this.threads = threads;
        this.ledger = ledger;
        this.cardAttempts = cardAttempts;
        this.client = client;
        this.settings = settings;
        this.businessDate = businessDate;
    }

    private GatewayHealth.PerAccount health;

    @Override
    protected long settleOpenFirst(long jobExecutionId, TransactionTemplate transaction) throws InterruptedException {
        // only this partition's (see partition())
        return new ResolveTasklet(ledger, client, settings, businessDate, false, partition(), threads).settleAll(jobExecutionId, transaction);
    }

    @Override
    protected Pipeline<ChargeResult> createPipeline(long jobExecutionId) {
        ledger.refreshStatistics();
        health = new GatewayHealth.PerAccount(settings.unreachableAfter());
        if (accounts.size() > 1) {
            return ChargePipeline.lanes(ledger, cardAttempts, client, accounts, businessDate, jobExecutionId, settings, health::of,
                    partition(), threads);
        }
        return ChargePipeline.create(ledger, cardAttempts, client, java.util.Set.copyOf(accounts), businessDate, jobExecutionId, settings,
                health.of(client.account()), partition(), threads);
    }

    @Override
    protected void record(List<ChargeResult> results, long jobExecutionId) {
        ledger.record(results, businessDate, settings.schedule(), jobExecutionId);
    }

    @Override
    protected void count(List<ChargeResult> results, StepContribution contribution) {
        ChargeStats stats = ChargeStats.of(results);
        stats.addTo(contribution.getStepExecution().getExecutionContext());
        long sent = stats.charged() + stats.declined() + stats.failed() + stats.unknown();
        for (long i = 0; i < sent + stats.held(); i++) {
            contribution.incrementReadCount();
        }
        contribution.incrementWriteCount(sent);
        contribution.incrementFilterCount(stats.held());
    }

    @Override
    protected RuntimeException stoppedBy(ChargeResult result) {
        return health.of(result.order().account()).failure(result.reply(), "no order was marked failed");
    }

    @Override
    protected String describe(StepExecution stepExecution) {
        return describe(stepExecution.getExecutionContext());
    }

    private static String describe(ExecutionContext context) {
        long settled = context.getLong(SETTLED_FIRST, 0);
        return ChargeStats.from(context) + (settled > 0 ? String.format("; %,d open attempts settled first", settled) : "");
    }

    /** The charge step's totals: what its partitions did, summed into its own context, summary and exit description. */
    static StepExecutionAggregator totals() {
        return partitionTotals((total, partition) -> ChargeStats.from(partition).addTo(total), ChargeTasklet::describe);
    }
}
