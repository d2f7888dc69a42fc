package dev.billing.gateway;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decides, reply by reply, whether a run must stop: at the first account-level refusal (credentials, signature,
 * access), or after {@code unreachableAfter} calls in a row that got no reply at all (connection refused, timeout).
 * A night whose gateway cannot be reached then ends FAILED instead of COMPLETED with every outcome unknown, and a
 * restart, once the gateway answers, settles what was sent and goes on. Thread-safe; one per run of a step.
 */
public final class GatewayHealth {

    private final int unreachableAfter;
    private final AtomicInteger unansweredInARow = new AtomicInteger();
    private final AtomicReference<GatewayReply> lastUnanswered = new AtomicReference<>();

    /**
     * The health of each account's gateway in one run: one account's unreachable or misconfigured gateway stops that
     * account's calls only (its lane), never another's. Thread-safe.
     */
    public static final class PerAccount {

        private final int unreachableAfter;
        private final java.util.Map<String, GatewayHealth> accounts = new java.util.concurrent.ConcurrentHashMap<>();

        /** @param unreachableAfter as {@link GatewayHealth#GatewayHealth(int)}, for each account */
        public PerAccount(int unreachableAfter) {
            this.unreachableAfter = unreachableAfter;
        }

        /** Account {@code account}'s gateway health in this run. */
        public GatewayHealth of(String account) {
            return accounts.computeIfAbsent(account, a -> new GatewayHealth(unreachableAfter));
        }
    }

    /** @param unreachableAfter calls in a row without a reply that stop the run; 0 never stops for that */
    public GatewayHealth(int unreachableAfter) {
        this.unreachableAfter = unreachableAfter;
    }

    /** Takes a reply into account; true when no new call may start. */
    public boolean stopsTheRun(GatewayReply reply) {
        if (reply.outcome() == OutcomeClass.CONFIG_ERROR) {
            return true;
        }
        if (reply.isUnanswered()) {
            lastUnanswered.set(reply);
            return unreachableAfter > 0 && unansweredInARow.incrementAndGet() >= unreachableAfter;
        }
        unansweredInARow.set(0);
        return false;
    }

    /** The exception that fails the step, given the reply that stopped the run. */
    public RuntimeException failure(GatewayReply stoppedBy, String untouched) {
        if (stoppedBy.outcome() == OutcomeClass.CONFIG_ERROR) {
            return new GatewayConfigurationException("the gateway refused a request as misconfigured (" + stoppedBy.responseCode()
                    + " " + stoppedBy.responseMessage() + " on " + stoppedBy.merchantReference() + "); " + untouched
                    + ". Fix the billing.gateway settings, then restart this execution");
        }
        GatewayReply last = lastUnanswered.get();
        return new GatewayUnreachableException("gateway unreachable: " + unreachableAfter + " calls in a row got no reply (last: "
                + (last == null ? stoppedBy.problem() : last.problem()) + "); " + untouched
                + ". Once the gateway answers, restart this execution: it settles what was sent, then goes on");
    }
}
