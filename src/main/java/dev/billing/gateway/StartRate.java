package dev.billing.gateway;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;

/** {@code max-tps}: at most so many calls start in each second (resilience4j's limiter); 0 is no limit (null). */
final class StartRate {

    private StartRate() {
    }

    static RateLimiter limiter(int perSecond) {
        return perSecond <= 0 ? null : RateLimiter.of("aps", RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ofDays(1))
                .build());
    }

    static void await(RateLimiter limiter) {
        if (limiter != null) {
            RateLimiter.waitForPermission(limiter);
        }
    }
}
