package dev.billing.ledger;

import java.time.Duration;

/**
 * What a run that moves money needs of the settings, charging and verification alike: made from
 * {@link LedgerProperties} and the gateway's limits by {@link LedgerConfiguration}.
 *
 * @param concurrency      gateway calls in flight at once ({@code billing.gateway.max-concurrency})
 * @param unreachableAfter calls in a row with no reply at all after which a run stops ({@code billing.gateway.unreachable-after})
 * @param agreementRequired a token without an agreement is never charged ({@code billing.gateway.agreement-id=required})
 */
public record RunSettings(int chunkSize, int pageSize, int concurrency, RetrySchedule schedule, int maxDeclinesPerCard30d,
                          int resolveTries, Duration resolveBackoff, int unreachableAfter, boolean agreementRequired) {

    /**
     * Why a token may not be charged for want of an agreement, or null when it may: under
     * {@code billing.gateway.agreement-id=required} a token without one is never sent (its orders held, its
     * verification waiting).
     */
    public String agreementHold(String agreementId) {
        return agreementId == null && agreementRequired ? "no agreement_id" : null;
    }

    /** The same settings for a run calling with {@code value} calls in flight (one account's lane of a night). */
    public RunSettings withConcurrency(int value) {
        return new RunSettings(chunkSize, pageSize, value, schedule, maxDeclinesPerCard30d, resolveTries, resolveBackoff, unreachableAfter,
                agreementRequired);
    }

    public static RunSettings of(LedgerProperties ledger, int concurrency, int unreachableAfter, boolean agreementRequired) {
        return new RunSettings(ledger.chunkSize(), ledger.charge().pageSize(), concurrency, ledger.retry().retrySchedule(),
                ledger.retry().maxDeclinesPerCard30d(), ledger.resolve().tries(), ledger.resolve().backoff(), unreachableAfter,
                agreementRequired);
    }
}
