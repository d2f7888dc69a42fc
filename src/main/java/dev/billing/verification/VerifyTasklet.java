package dev.billing.verification;

import dev.billing.batch.CallPipeline;
import dev.billing.batch.Lanes;
import dev.billing.batch.Pipeline;
import dev.billing.batch.PipelineTasklet;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayHealth;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.ledger.CardAttempts;
import dev.billing.ledger.RunSettings;
import dev.billing.support.EngineThreads;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.partition.StepExecutionAggregator;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The verify step: every NEW token gets a micro-charge, committed in the ledger before it is sent; a successful one
 * is given back at once (its reversal row committed before the refund or void is sent).
 */
public class VerifyTasklet extends PipelineTasklet<Verification, Verification.Result> {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(VerifyTasklet.class);

    private final VerificationLedger ledger;
    private final CardAttempts cardAttempts;
    private final VerificationCalls calls;
    private final RunSettings common;
    private final VerificationProperties settings;
    private final LocalDate businessDate;
    private final EngineThreads threads;
    private GatewayHealth.PerAccount health;

    /** What each account charges (a token's verification is in a currency its account takes). */
    private final java.util.function.Function<String, java.util.Set<String>> currencies;
    /** The accounts whose tokens it verifies, each in a lane of its own when there are several. */
    private final List<String> accounts;

    public VerifyTasklet(VerificationLedger ledger, CardAttempts cardAttempts, ApsClient client, RunSettings common,
                         VerificationProperties settings, LocalDate businessDate, PlatformTransactionManager transactionManager,
                         EngineThreads threads) {
        this(ledger, cardAttempts, client, List.of(), account -> java.util.Set.of(), common, settings, businessDate, transactionManager, threads);
    }

    /**
     * @param accounts   the accounts configured (several: a lane each)
     * @param currencies what each account charges (empty: any)
     */
    public VerifyTasklet(VerificationLedger ledger, CardAttempts cardAttempts, ApsClient client, List<String> accounts,
                         java.util.function.Function<String, java.util.Set<String>> currencies, RunSettings common,
                         VerificationProperties settings, LocalDate businessDate, PlatformTransactionManager transactionManager,
                         EngineThreads threads) {
        super(common.chunkSize(), transactionManager);
        this.accounts = List.copyOf(accounts);
        this.currencies = currencies;
        this.threads = threads;
        this.ledger = ledger;
        this.cardAttempts = cardAttempts;
        this.calls = new VerificationCalls(client);
        this.common = common;
        this.settings = settings;
        this.businessDate = businessDate;
    }

    @Override
    protected long settleOpenFirst(long jobExecutionId, TransactionTemplate transaction) throws InterruptedException {
        // only this partition's (see partition())
        return new ResolveVerificationsTasklet(ledger, calls.client(), common, settings, partition(), threads).settleAll(jobExecutionId, transaction)
                + new GiveBackTasklet(ledger, calls.client(), common, settings, businessDate, partition(), threads).settleAll(jobExecutionId, transaction);
    }

    @Override
    protected Pipeline<Verification.Result> createPipeline(long jobExecutionId) {
        health = new GatewayHealth.PerAccount(common.unreachableAfter());
        if (accounts.size() > 1) {
            // one lane per account, its own callers and budget: a slow account's verifications never hold back another's
            List<CallPipeline<?, Verification.Result>> lanes = new ArrayList<>();
            for (String account : accounts) {
                lanes.add(pipeline("verify-" + account, account, calls.client().forAccount(account).settings().maxConcurrency(), jobExecutionId));
            }
            return new Lanes<>(lanes);
        }
        return pipeline("verify", null, common.concurrency(), jobExecutionId);
    }

    /** The verifications of {@code account}'s NEW tokens (null: every account's), {@code concurrency} at a time. */
    private CallPipeline<Verification, Verification.Result> pipeline(String name, String account, int concurrency, long jobExecutionId) {
        long[] lastId = {0};
        // tokens read and allowed, waiting to be prepared a batch at a time just before their calls (see CallPipeline.batch)
        java.util.ArrayDeque<Verification> waiting = new java.util.ArrayDeque<>();
        CallPipeline.Feeder<Verification, Verification.Result> newTokens = results -> {
            while (true) {
                if (!waiting.isEmpty()) {
                    List<Verification> batch = new ArrayList<>();
                    while (batch.size() < CallPipeline.batch(concurrency) && !waiting.isEmpty()) {
                        batch.add(waiting.poll());
                    }
                    List<Verification> prepared = ledger.prepare(batch, businessDate, jobExecutionId);
                    if (!prepared.isEmpty()) {
                        return prepared;
                    }
                    continue;
                }
                List<Verification> page = ledger.newTokensPage(lastId[0], common.pageSize(), settings.mode(), settings.microAmount(), partition(),
                        account);
                if (page.isEmpty()) {
                    return page;
                }
                lastId[0] = page.get(page.size() - 1).tokenId();
                Map<String, Integer> declines = cardAttempts.declinesInWindow(page.stream().map(Verification::tokenName).toList(),
                        businessDate);
                List<Verification> allowed = new ArrayList<>(page.size());
                List<Verification> noAgreement = new ArrayList<>();
                int overLimit = 0;
                for (Verification v : page) {
                    if (common.agreementHold(v.agreementId()) != null) {
                        noAgreement.add(v);
                    } else if (CardAttempts.limitReason(v.tokenName(), declines.getOrDefault(v.tokenName(), 0),
                            common.maxDeclinesPerCard30d(), businessDate) != null) {
                        overLimit++;
                    } else {
                        allowed.add(inItsAccountsCurrency(v));
                    }
                }
                if (!noAgreement.isEmpty()) {
                    ledger.waiting(noAgreement, common.agreementHold(null));
                    log.info("{} tokens not verified: no agreement_id (billing.gateway.agreement-id=required)", noAgreement.size());
                }
                if (overLimit > 0) {
                    log.info("{} tokens not verified today: card-network limit of {} declines in {} days reached",
                            overLimit, common.maxDeclinesPerCard30d(), CardAttempts.WINDOW_DAYS);
                }
                waiting.addAll(allowed);
            }
        };
        return new CallPipeline<>(name, newTokens, v -> verify(v, jobExecutionId), Verification::tokenName,
                Verification.Result::withdrawn,
                r -> r.charge() != null && health.of(r.verification().account()).stopsTheRun(r.charge()),
                concurrency, CallPipeline.window(concurrency, common.chunkSize()), threads);
    }

    /**
     * The verification in {@code billing.verification.currency}, or, when its token's account does not charge that, in
     * the first currency the account charges ({@code billing.verification.amount.<CUR>}, or one major unit of it).
     */
    private Verification inItsAccountsCurrency(Verification v) {
        java.util.Set<String> taken = currencies.apply(v.account());
        if (taken.isEmpty() || taken.contains(v.amount().currency().code())) {
            return v;
        }
        return v.withAmount(settings.microAmount(taken.iterator().next()));
    }

    private Verification.Result verify(Verification v, long jobExecutionId) {
        GatewayReply charge = calls.charge(v);
        if (charge.outcome() != OutcomeClass.SUCCESS || !ledger.prepareReversal(v, 1, businessDate, jobExecutionId)) {
            return new Verification.Result(v, charge, 0, null, false);
        }
        return new Verification.Result(v, charge, 1, calls.reverse(v, 1), false);
    }

    @Override
    protected void record(List<Verification.Result> results, long jobExecutionId) {
        ledger.record(results, settings.maxAttempts());
    }

    @Override
    protected void count(List<Verification.Result> results, StepContribution contribution) {
        VerificationStats.of(results).addTo(contribution.getStepExecution().getExecutionContext());
        long sent = results.stream().filter(r -> !r.withdrawn()).count();
        for (long i = 0; i < sent; i++) {
            contribution.incrementReadCount();
        }
        contribution.incrementWriteCount(sent);
    }

    @Override
    protected RuntimeException stoppedBy(Verification.Result result) {
        return health.of(result.verification().account()).failure(result.charge(), "no token was marked invalid");
    }

    @Override
    protected String describe(StepExecution stepExecution) {
        return describe(stepExecution.getExecutionContext());
    }

    private static String describe(ExecutionContext context) {
        long settled = context.getLong(SETTLED_FIRST, 0);
        return VerificationStats.from(context) + (settled > 0 ? String.format("; %,d open verification rows settled first", settled) : "");
    }

    /** The verify step's totals: what its partitions did, summed into its own context, summary and exit description. */
    static StepExecutionAggregator totals() {
        return partitionTotals((total, partition) -> VerificationStats.from(partition).addTo(total), VerifyTasklet::describe);
    }
}
