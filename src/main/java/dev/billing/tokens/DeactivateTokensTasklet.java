package dev.billing.tokens;

import dev.billing.batch.Concurrently;
import dev.billing.batch.StepSummary;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayHealth;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.ledger.RunSettings;
import dev.billing.support.EngineThreads;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * {@code deactivate-tokens}: every INVALID or DELETED token not yet deactivated is set INACTIVE at the gateway, a page
 * per chunk. A row left open by an earlier run (a crash, a lost reply) is sent again with its own reference, which
 * cannot do anything twice: the request sets a state. A reply that stays unknown after {@code billing.resolve.tries}
 * sends is left open for the next run (the exceptions report lists it); a refusal is tried again the next night.
 */
public class DeactivateTokensTasklet implements Tasklet {

    private static final String LAST_ID = "deactivate.last-token-id";
    private static final String DONE = "deactivate.done";
    private static final String FAILED = "deactivate.failed";
    private static final String UNKNOWN = "deactivate.unknown";

    private final TokenDeactivations ledger;
    private final ApsClient client;
    private final RunSettings settings;
    private final LocalDate businessDate;
    private final EngineThreads threads;

    public DeactivateTokensTasklet(TokenDeactivations ledger, ApsClient client, RunSettings settings, LocalDate businessDate,
                                   EngineThreads threads) {
        this.threads = threads;
        this.ledger = ledger;
        this.client = client;
        this.settings = settings;
        this.businessDate = businessDate;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        ExecutionContext context = contribution.getStepExecution().getExecutionContext();
        List<TokenDeactivations.Pending> page = ledger.page(context.getLong(LAST_ID, 0), settings.chunkSize());
        if (page.isEmpty()) {
            StepSummary.put(context, describe(context));
            return RepeatStatus.FINISHED;
        }
        List<Deactivation> wanted = page.stream().map(p -> p.next(businessDate)).filter(Objects::nonNull).toList();
        List<Deactivation> sendable = ledger.prepare(wanted, businessDate, contribution.getStepExecution().getJobExecutionId());
        GatewayHealth health = new GatewayHealth(settings.unreachableAfter());
        List<TokenDeactivations.Result> results = Concurrently.map(threads, sendable, settings.concurrency(), d -> send(d, health));
        ledger.record(results);
        for (TokenDeactivations.Result result : results) {
            OutcomeClass outcome = result.reply().outcome();
            String key = outcome == OutcomeClass.SUCCESS ? DONE : outcome.isFinal() ? FAILED : UNKNOWN;
            context.putLong(key, context.getLong(key, 0) + 1);
            contribution.incrementReadCount();
        }
        contribution.incrementWriteCount(results.size());
        context.putLong(LAST_ID, page.get(page.size() - 1).tokenId());
        StepSummary.put(context, describe(context));
        GatewayReply stoppedBy = results.stream().map(TokenDeactivations.Result::reply)
                .filter(r -> r.outcome() == OutcomeClass.CONFIG_ERROR).findFirst().orElse(null);
        if (stoppedBy != null) {
            throw health.failure(stoppedBy, "the tokens after it were not deactivated");
        }
        return RepeatStatus.CONTINUABLE;
    }

    /**
     * Sends one deactivation, and sends it again (same reference, with backoff) while its outcome is not known, up to
     * {@code billing.resolve.tries} times in all.
     */
    private TokenDeactivations.Result send(Deactivation d, GatewayHealth health) throws InterruptedException {
        GatewayReply reply = client.forAccount(d.account()).updateTokenStatus(d.reference(), d.tokenName(), "INACTIVE");
        for (int sent = 1; sent < settings.resolveTries() && !settled(reply); sent++) {
            if (health.stopsTheRun(reply)) {
                break;
            }
            Thread.sleep(backoff(sent).toMillis());
            reply = client.forAccount(d.account()).updateTokenStatus(d.reference(), d.tokenName(), "INACTIVE");
        }
        return new TokenDeactivations.Result(d, reply);
    }

    /** Final, or nothing more to learn by sending it again (an account error; a reference the gateway says it had). */
    private static boolean settled(GatewayReply reply) {
        return reply.outcome().isFinal() || reply.outcome() == OutcomeClass.CONFIG_ERROR
                || reply.outcome() == OutcomeClass.DUPLICATE_REFERENCE;
    }

    private Duration backoff(int sent) {
        return settings.resolveBackoff().multipliedBy(1L << Math.min(sent - 1, 16));
    }

    private static String describe(ExecutionContext context) {
        return String.format("tokens deactivated at the gateway: %,d; refused (tried again the next night): %,d; outcome unknown: %,d",
                context.getLong(DONE, 0), context.getLong(FAILED, 0), context.getLong(UNKNOWN, 0));
    }
}
