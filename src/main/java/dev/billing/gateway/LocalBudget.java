package dev.billing.gateway;

import io.github.resilience4j.ratelimiter.RateLimiter;
import java.util.concurrent.Semaphore;

/** The whole budget in this process: a fair semaphore of {@code max-concurrency} permits and a rate limiter. */
final class LocalBudget implements CallBudget {

    private final Semaphore inFlight;
    private final RateLimiter rateLimiter;

    LocalBudget(int maxConcurrency, int maxTps) {
        this.inFlight = new Semaphore(maxConcurrency, true);
        this.rateLimiter = StartRate.limiter(maxTps);
    }

    @Override
    public void acquire() throws InterruptedException {
        inFlight.acquire();
        StartRate.await(rateLimiter);
    }

    @Override
    public void release() {
        inFlight.release();
    }

    @Override
    public void close() {
        // nothing held outside this process
    }
}
