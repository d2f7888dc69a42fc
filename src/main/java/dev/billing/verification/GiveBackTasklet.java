package dev.billing.verification;

import dev.billing.batch.PagedResolveTasklet;
import dev.billing.batch.TokenPartition;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayReply;
import dev.billing.ledger.OutcomeResolver;
import dev.billing.ledger.RunSettings;
import dev.billing.support.EngineThreads;
import java.time.LocalDate;
import java.util.List;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Gives back every verification micro-charge that is still owed: a reversal whose outcome is unknown is settled by
 * CHECK_STATUS ({@code refunded_amount}, or a void as the last operation) and sent again with the same reference
 * only when the gateway shows it did not happen; a reversal that failed, or none at all (a crash between the charge
 * and its refund), gets a new attempt. Runs at the start and at the end of every verify-tokens run.
 */
public class GiveBackTasklet extends PagedResolveTasklet<VerificationLedger.Owed, Verification.Result> {

    private final TokenPartition partition;

    private final VerificationLedger ledger;
    private final VerificationCalls calls;
    private final OutcomeResolver resolver;
    private final VerificationProperties settings;
    private final LocalDate businessDate;

    public GiveBackTasklet(VerificationLedger ledger, ApsClient client, RunSettings common, VerificationProperties settings,
                           LocalDate businessDate, EngineThreads threads) {
        this(ledger, client, common, settings, businessDate, TokenPartition.WHOLE, threads);
    }

    /** @param partition the tokens whose owed money it gives back (a partition of the verify step gives back its own only) */
    public GiveBackTasklet(VerificationLedger ledger, ApsClient client, RunSettings common, VerificationProperties settings,
                           LocalDate businessDate,
                           TokenPartition partition, EngineThreads threads) {
        super("give-back", common.chunkSize(), common.concurrency(), threads);
        this.partition = partition;
        this.ledger = ledger;
        this.calls = new VerificationCalls(client);
        this.resolver = new OutcomeResolver(client, common.resolveTries(), common.resolveBackoff());
        this.settings = settings;
        this.businessDate = businessDate;
    }

    @Override
    protected List<VerificationLedger.Owed> page(long afterId, int limit) {
        return ledger.owedReversals(afterId, limit, partition);
    }

    @Override
    protected long idOf(VerificationLedger.Owed row) {
        return row.id();
    }

    @Override
    protected Verification.Result resolve(VerificationLedger.Owed owed, long jobExecutionId) throws InterruptedException {
        Verification v = owed.verification();
        if (owed.reversalOpen()) {
            int attempt = owed.lastReversalAttempt();
            GatewayReply reply = resolver.forAccount(v.account()).resolveReversal(v.chargeReference(), v.mode().reversalCommand, v.amount().minorUnits(),
                    () -> calls.reverse(v, attempt));
            return new Verification.Result(v, null, attempt, reply, false);
        }
        int attempt = owed.lastReversalAttempt() + 1;
        if (!ledger.prepareReversal(v, attempt, businessDate, jobExecutionId)) {
            return null;
        }
        return new Verification.Result(v, null, attempt, calls.reverse(v, attempt), false);
    }

    @Override
    protected void record(List<Verification.Result> results, long jobExecutionId) {
        ledger.record(results, settings.maxAttempts());
    }

    @Override
    protected void count(List<Verification.Result> results, ExecutionContext context) {
        VerificationStats.of(results).addTo(context);
    }

    @Override
    protected String describe(ExecutionContext context) {
        return VerificationStats.from(context).toString();
    }
}
