package dev.billing.charging;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The settings of charge-orders; chunk size, concurrency and resolution are shared with verify-tokens. */
@Component
public class ChargeSettings {

    final int chunkSize;
    final int pageSize;
    final int concurrency;
    final RetrySchedule schedule;
    final int maxDeclinesPerCard30d;
    final int unreachableAfter;
    final int resolveTries;
    final Duration resolveBackoff;

    public ChargeSettings(@Value("${billing.chunk-size:100}") int chunkSize,
                          @Value("${billing.gateway.max-concurrency:32}") int concurrency,
                          @Value("${billing.retry.schedule:1d,3d,7d}") String schedule,
                          @Value("${billing.retry.max-declines-per-card-30d:15}") int maxDeclinesPerCard30d,
                          @Value("${billing.resolve.tries:3}") int resolveTries,
                          @Value("${billing.resolve.backoff:200ms}") Duration resolveBackoff,
                          @Value("${billing.charge.page-size:500}") int pageSize,
                          @Value("${billing.gateway.unreachable-after:20}") int unreachableAfter) {
        this.chunkSize = Math.max(1, chunkSize);
        this.pageSize = Math.max(1, pageSize);
        this.concurrency = Math.max(1, concurrency);
        this.schedule = RetrySchedule.parse(schedule);
        this.maxDeclinesPerCard30d = maxDeclinesPerCard30d;
        this.unreachableAfter = Math.max(0, unreachableAfter);
        this.resolveTries = resolveTries;
        this.resolveBackoff = resolveBackoff;
    }

    public RetrySchedule schedule() {
        return schedule;
    }

    public int maxDeclinesPerCard30d() {
        return maxDeclinesPerCard30d;
    }

    /** Calls in a row with no reply at all after which a run stops as "gateway unreachable"; 0 never. */
    public int unreachableAfter() {
        return unreachableAfter;
    }

    public int chunkSize() {
        return chunkSize;
    }

    public int pageSize() {
        return pageSize;
    }

    public int concurrency() {
        return concurrency;
    }

    public int resolveTries() {
        return resolveTries;
    }

    public Duration resolveBackoff() {
        return resolveBackoff;
    }
}
