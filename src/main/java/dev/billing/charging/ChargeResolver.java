package dev.billing.charging;

import dev.billing.gateway.ApsClient;
import dev.billing.gateway.ApsCommand;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.gateway.StatusCheck;
import java.time.Duration;
import java.util.Map;

/**
 * Settles a charge attempt whose outcome is not known, by asking the gateway about its merchant reference, never
 * by charging again: CHECK_STATUS, with backoff while the gateway does not answer or the order is still pending.
 * Only when the gateway says the reference does not exist is the same reference sent again.
 */
public class ChargeResolver {

    private final ApsClient client;
    private final int tries;
    private final Duration backoff;

    public ChargeResolver(ApsClient client, int tries, Duration backoff) {
        this.client = client;
        this.tries = Math.max(1, tries);
        this.backoff = backoff;
    }

    /** The outcome as a reply: final when the gateway knows it, UNKNOWN (with the reason) when it still does not. */
    public GatewayReply resolve(DueOrder attempt) throws InterruptedException {
        String reference = attempt.reference();
        String lastProblem = null;
        for (int i = 0; i < tries; i++) {
            if (i > 0) {
                Thread.sleep(backoff.multipliedBy(1L << (i - 1)).toMillis());
            }
            StatusCheck status = client.checkStatus(reference, ApsCommand.PURCHASE);
            if (!status.answered()) {
                lastProblem = "status query not answered: " + describe(status.reply());
                continue;
            }
            if (!status.found()) {
                return client.purchase(reference, attempt.amount(), attempt.tokenName(), attempt.customerEmail(), "Order " + attempt.orderId());
            }
            if (status.capturedAmount() >= attempt.amount().minorUnits() || status.transactionOutcome() == OutcomeClass.SUCCESS) {
                return fromStatus(status, reference, OutcomeClass.SUCCESS, null);
            }
            if (status.transactionOutcome().isFinal()) {
                return fromStatus(status, reference, status.transactionOutcome(), null);
            }
            lastProblem = "the gateway reports it as " + status.transactionCode() + " (not final)";
        }
        return new GatewayReply(ApsCommand.PURCHASE, reference, OutcomeClass.UNKNOWN, null, null, null, null, null,
                "still unknown after " + tries + " status checks: " + lastProblem, Map.of());
    }

    private static GatewayReply fromStatus(StatusCheck status, String reference, OutcomeClass outcome, String problem) {
        GatewayReply r = status.reply();
        return new GatewayReply(ApsCommand.PURCHASE, reference, outcome, status.transactionCode(), status.transactionMessage(),
                r.fortId(), r.acquirerResponseCode(), r.authorizationCode(), problem, r.fields());
    }

    private static String describe(GatewayReply reply) {
        return reply.responseCode() == null ? reply.problem() : reply.responseCode() + " " + reply.responseMessage();
    }
}
