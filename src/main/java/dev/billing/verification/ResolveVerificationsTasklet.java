package dev.billing.verification;

import dev.billing.batch.PagedResolveTasklet;
import dev.billing.batch.TokenPartition;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayReply;
import dev.billing.ledger.OutcomeResolver;
import dev.billing.ledger.RunSettings;
import dev.billing.support.EngineThreads;
import java.util.List;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** Settles every micro-charge whose outcome is not known, by CHECK_STATUS; resent only when the gateway does not know it. */
public class ResolveVerificationsTasklet extends PagedResolveTasklet<VerificationLedger.Open, Verification.Result> {

    private final TokenPartition partition;

    private final VerificationLedger ledger;
    private final VerificationCalls calls;
    private final OutcomeResolver resolver;
    private final VerificationProperties settings;

    public ResolveVerificationsTasklet(VerificationLedger ledger, ApsClient client, RunSettings common, VerificationProperties settings,
                                       EngineThreads threads) {
        this(ledger, client, common, settings, TokenPartition.WHOLE, threads);
    }

    /** @param partition the tokens whose open micro-charges it settles (a partition of the verify step settles its own only) */
    public ResolveVerificationsTasklet(VerificationLedger ledger, ApsClient client, RunSettings common, VerificationProperties settings,
                                       TokenPartition partition, EngineThreads threads) {
        super("resolve-verifications", common.chunkSize(), common.concurrency(), threads);
        this.partition = partition;
        this.ledger = ledger;
        this.calls = new VerificationCalls(client);
        this.resolver = new OutcomeResolver(client, common.resolveTries(), common.resolveBackoff());
        this.settings = settings;
    }

    @Override
    protected List<VerificationLedger.Open> page(long afterId, int limit) {
        return ledger.unresolvedCharges(afterId, limit, partition);
    }

    @Override
    protected long idOf(VerificationLedger.Open row) {
        return row.id();
    }

    @Override
    protected Verification.Result resolve(VerificationLedger.Open row, long jobExecutionId) throws InterruptedException {
        Verification v = row.verification();
        GatewayReply reply = resolver.forAccount(v.account()).resolveOrder(v.chargeReference(), v.mode().chargeCommand, v.amount().minorUnits(), () -> calls.charge(v));
        return new Verification.Result(v, reply, 0, null, false);
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
