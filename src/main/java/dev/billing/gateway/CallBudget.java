package dev.billing.gateway;

/**
 * How many gateway calls may be in flight at once ({@code billing.gateway.max-concurrency}) and may start per second
 * ({@code max-tps}): what the merchant's APS account allows. {@link #acquire} before a call, {@link #release} after it.
 */
public interface CallBudget extends AutoCloseable {

    /** Waits until a call may start. */
    void acquire() throws InterruptedException;

    /** A call that {@link #acquire} let start has ended. */
    void release();

    @Override
    void close();

    /** A budget for this process alone. */
    static CallBudget local(int maxConcurrency, int maxTps) {
        return new LocalBudget(maxConcurrency, maxTps);
    }
}
