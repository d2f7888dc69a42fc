package dev.billing.charging;

import dev.billing.batch.CallPipeline;
import dev.billing.batch.Lanes;
import dev.billing.batch.TokenPartition;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The charge step's {@link CallPipeline}: due orders are read by id a page at a time; those that may not be charged
 * are held (token not VERIFIED, hard-declined in this run, card-network decline limit reached); the others get a PREPARED
 * ledger row, committed a batch at a time just before the batch is sent, and are charged, one after the other per token.
 * Rows are prepared as late as that so that a node that dies leaves few of them open (at most the window and a batch):
 * the node that resumes its work asks the gateway about each before it charges anything.
 */
final class ChargePipeline {

    private ChargePipeline() {
    }

    static CallPipeline<DueOrder, ChargeResult> create(ChargeLedger ledger, CardAttempts cardAttempts, ApsClient client, LocalDate date,
                                                       long jobExecutionId, RunSettings settings, GatewayHealth health,
                                                       TokenPartition partition, EngineThreads threads) {
        return create(ledger, cardAttempts, client, Set.of(), date, jobExecutionId, settings, health, partition, threads);
    }

    /**
     * {@link #create(ChargeLedger, CardAttempts, ApsClient, LocalDate, long, RunSettings, GatewayHealth, TokenPartition, EngineThreads)},
     * holding the orders of tokens whose account is none of {@code accounts} (empty: no such check).
     */
    static CallPipeline<DueOrder, ChargeResult> create(ChargeLedger ledger, CardAttempts cardAttempts, ApsClient client, Set<String> accounts,
                                                       LocalDate date, long jobExecutionId, RunSettings settings, GatewayHealth health,
                                                       TokenPartition partition, EngineThreads threads) {
        return create("charge", ledger, cardAttempts, client, null, accounts, date, jobExecutionId, settings, health, partition, threads);
    }

    /**
     * A night over several accounts: one lane per account, each reading only its tokens' due orders and calling its own
     * gateway with its own budget ({@code max-concurrency} callers), so that a slow account never holds back a fast one.
     */
    static Lanes<ChargeResult> lanes(ChargeLedger ledger, CardAttempts cardAttempts, ApsClient client, List<String> accounts, LocalDate date,
                                     long jobExecutionId, RunSettings settings, java.util.function.Function<String, GatewayHealth> health,
                                     TokenPartition partition, EngineThreads threads) {
        List<CallPipeline<?, ChargeResult>> lanes = new ArrayList<>();
        for (String account : accounts) {
            ApsClient own = client.forAccount(account);
            // the default lane also reads the orders of accounts no longer configured, and holds them with the reason
            Set<String> known = account.equals(dev.billing.gateway.GatewayAccounts.DEFAULT) ? Set.copyOf(accounts) : Set.of();
            lanes.add(create("charge-" + account, ledger, cardAttempts, own, account, known, date, jobExecutionId,
                    settings.withConcurrency(own.settings().maxConcurrency()), health.apply(account), partition, threads));
        }
        return new Lanes<>(lanes);
    }

    private static CallPipeline<DueOrder, ChargeResult> create(String name, ChargeLedger ledger, CardAttempts cardAttempts, ApsClient client,
                                                               String account, Set<String> known, LocalDate date, long jobExecutionId,
                                                               RunSettings settings, GatewayHealth health, TokenPartition partition,
                                                               EngineThreads threads) {
        Set<String> deadTokens = ConcurrentHashMap.newKeySet();
        return new CallPipeline<>(name, new DueOrders(ledger, cardAttempts, date, jobExecutionId, settings, deadTokens, partition, account,
                known),
                order -> charge(client.forAccount(order.account()), order, deadTokens),
                DueOrder::tokenName,
                order -> ChargeResult.withdrawn(order, "the run stopped"),
                result -> result.kind() == ChargeResult.Kind.SENT && health.stopsTheRun(result.reply()),
                settings.concurrency(), CallPipeline.window(settings.concurrency(), settings.chunkSize()), threads);
    }

    private static ChargeResult charge(ApsClient client, DueOrder order, Set<String> deadTokens) {
        if (deadTokens.contains(order.tokenName())) {
            return ChargeResult.notSent(order, "token " + order.tokenName() + " was hard-declined in this run");
        }
        GatewayReply reply = client.purchase(order.reference(), order.amount(), order.tokenName(), order.customerEmail(),
                "Order " + order.orderId(), order.agreementId());
        if (reply.outcome() == OutcomeClass.HARD_DECLINE) {
            deadTokens.add(order.tokenName());
        }
        return ChargeResult.sent(order, reply);
    }

    /** Reads due orders by id, holds those that may not be charged, prepares the rest. */
    private static final class DueOrders implements CallPipeline.Feeder<DueOrder, ChargeResult> {
        private final ChargeLedger ledger;
        private final CardAttempts cardAttempts;
        private final LocalDate date;
        private final long jobExecutionId;
        private final RunSettings settings;
        private final Set<String> deadTokens;
        private long lastId;
        /** Due orders read and not held, waiting to be prepared. */
        private final java.util.ArrayDeque<DueOrder> chargeable = new java.util.ArrayDeque<>();

        private final TokenPartition partition;
        /** The account whose tokens' orders it reads; null: every account's. */
        private final String account;
        /** The accounts configured (empty: not checked): an order of another account's token is held, never prepared. */
        private final Set<String> known;

        DueOrders(ChargeLedger ledger, CardAttempts cardAttempts, LocalDate date, long jobExecutionId, RunSettings settings,
                  Set<String> deadTokens, TokenPartition partition, String account, Set<String> known) {
            this.partition = partition;
            this.account = account;
            this.known = known;
            this.ledger = ledger;
            this.cardAttempts = cardAttempts;
            this.date = date;
            this.jobExecutionId = jobExecutionId;
            this.settings = settings;
            this.deadTokens = deadTokens;
        }

        @Override
        public List<DueOrder> nextPage(Consumer<ChargeResult> results) {
            while (true) {
                if (chargeable.isEmpty() && !readPage(results)) {
                    return List.of();
                }
                List<DueOrder> batch = new ArrayList<>(CallPipeline.batch(settings.concurrency()));
                while (batch.size() < CallPipeline.batch(settings.concurrency()) && !chargeable.isEmpty()) {
                    batch.add(chargeable.poll());
                }
                List<DueOrder> prepared = ledger.prepare(batch, date, jobExecutionId);
                if (!prepared.isEmpty()) {
                    return prepared;
                }
            }
        }

        /**
         * Reads the next page of due orders: those held go to {@code results}, the others wait to be prepared a batch at
         * a time. False when there are no more.
         */
        private boolean readPage(Consumer<ChargeResult> results) {
            while (chargeable.isEmpty()) {
                List<DueOrder> page = ledger.duePage(date, lastId, settings.pageSize(), partition, account, known);
                if (page.isEmpty()) {
                    return false;
                }
                lastId = page.get(page.size() - 1).id();
                Map<String, Integer> declines = cardAttempts.declinesInWindow(
                        page.stream().map(DueOrder::tokenName).distinct().toList(), date);
                for (DueOrder order : page) {
                    String hold = !known.isEmpty() && !known.contains(order.account())
                            ? "token " + order.tokenName() + " belongs to account '" + order.account() + "', which is not configured"
                            + " (billing.gateway.accounts." + order.account() + ".*)"
                            : order.holdReason(declines.getOrDefault(order.tokenName(), 0), settings, date,
                            deadTokens.contains(order.tokenName()));
                    if (hold == null) {
                        chargeable.add(order);
                    } else {
                        results.accept(ChargeResult.held(order, hold));
                    }
                }
            }
            return true;
        }
    }
}
