package dev.billing.charging;

import dev.billing.batch.PagedResolveTasklet;
import dev.billing.batch.TokenPartition;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.ApsCommand;
import dev.billing.gateway.GatewayReply;
import dev.billing.ledger.OutcomeResolver;
import dev.billing.ledger.RunSettings;
import dev.billing.support.EngineThreads;
import java.time.LocalDate;
import java.util.List;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Resolves every charge attempt left PREPARED, SENT or UNKNOWN (by a crash, a stop, a timeout, a pending reply)
 * through {@link OutcomeResolver}: CHECK_STATUS on its reference, and the same PURCHASE again only when the
 * gateway does not know it.
 */
public class ResolveTasklet extends PagedResolveTasklet<ChargeLedger.Unresolved, ChargeResult> {

    private final ChargeLedger ledger;
    private final ApsClient client;
    private final OutcomeResolver resolver;
    private final RunSettings settings;
    private final LocalDate businessDate;

    private final boolean reportsTotals;
    private final TokenPartition partition;

    public ResolveTasklet(ChargeLedger ledger, ApsClient client, RunSettings settings, LocalDate businessDate, EngineThreads threads) {
        this(ledger, client, settings, businessDate, false, threads);
    }

    /** @param reportsTotals the charge flow's last step with the gateway: its summary ends with what was charged per currency */
    public ResolveTasklet(ChargeLedger ledger, ApsClient client, RunSettings settings, LocalDate businessDate, boolean reportsTotals,
                          EngineThreads threads) {
        this(ledger, client, settings, businessDate, reportsTotals, TokenPartition.WHOLE, threads);
    }

    /** @param partition the tokens whose open attempts it settles (a partition of the charge step settles its own only) */
    public ResolveTasklet(ChargeLedger ledger, ApsClient client, RunSettings settings, LocalDate businessDate, boolean reportsTotals,
                          TokenPartition partition, EngineThreads threads) {
        super("resolve", settings.chunkSize(), settings.concurrency(), threads);
        this.partition = partition;
        this.ledger = ledger;
        this.client = client;
        this.resolver = new OutcomeResolver(client, settings.resolveTries(), settings.resolveBackoff());
        this.settings = settings;
        this.businessDate = businessDate;
        this.reportsTotals = reportsTotals;
    }

    @Override
    protected List<ChargeLedger.Unresolved> page(long afterId, int limit) {
        return ledger.unresolvedPage(afterId, limit, partition);
    }

    @Override
    protected long idOf(ChargeLedger.Unresolved row) {
        return row.id();
    }

    @Override
    protected ChargeResult resolve(ChargeLedger.Unresolved row, long jobExecutionId) throws InterruptedException {
        DueOrder order = row.order();
        GatewayReply reply = resolver.forAccount(order.account()).resolveOrder(order.reference(), ApsCommand.PURCHASE, order.amount().minorUnits(),
                () -> client.forAccount(order.account()).purchase(order.reference(), order.amount(), order.tokenName(), order.customerEmail(), "Order " + order.orderId(), order.agreementId()));
        return ChargeResult.sent(order, reply);
    }

    @Override
    protected void record(List<ChargeResult> results, long jobExecutionId) {
        ledger.record(results, businessDate, settings.schedule(), jobExecutionId);
    }

    @Override
    protected void count(List<ChargeResult> results, ExecutionContext context) {
        ChargeStats.of(results).addTo(context);
    }

    @Override
    protected List<String> closingLines() {
        return reportsTotals ? ledger.chargedPerCurrency(businessDate) : List.of();
    }

    @Override
    protected String describe(ExecutionContext context) {
        return ChargeStats.from(context).toString();
    }
}
