package dev.billing.ledger;

import dev.billing.gateway.ApsClient;
import dev.billing.gateway.ApsCommand;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.gateway.StatusCheck;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Settles a money movement whose outcome is not known, by asking the gateway about its merchant reference, never
 * by moving money again blindly: CHECK_STATUS, with backoff while the gateway does not answer or the order is still
 * pending. Only when the gateway says the movement did not happen is the same request sent again.
 */
public class OutcomeResolver {

    private final ApsClient client;
    private final int tries;
    private final Duration backoff;

    public OutcomeResolver(ApsClient client, int tries, Duration backoff) {
        this.client = client;
        this.tries = Math.max(1, tries);
        this.backoff = backoff;
    }

    /** The same resolver asking account {@code account}'s gateway (the account of the row it settles). */
    public OutcomeResolver forAccount(String account) {
        ApsClient other = client.forAccount(account);
        return other == client ? this : new OutcomeResolver(other, tries, backoff);
    }

    /**
     * Settles a PURCHASE or AUTHORIZATION: success when the gateway took the amount; its decline when it declined;
     * the same request again (through {@code resend}) when the gateway does not know the reference.
     */
    public GatewayReply resolveOrder(String reference, ApsCommand command, long amount, Supplier<GatewayReply> resend)
            throws InterruptedException {
        return resolve(reference, command, status -> !status.found(), status -> {
            long taken = command == ApsCommand.AUTHORIZATION ? status.authorizedAmount() : status.capturedAmount();
            if (taken >= amount || status.transactionOutcome() == OutcomeClass.SUCCESS) {
                return OutcomeClass.SUCCESS;
            }
            return status.transactionOutcome().isFinal() ? status.transactionOutcome() : null;
        }, resend);
    }

    /**
     * One status check of a PURCHASE or AUTHORIZATION, as a person asks for it: settled as {@link #resolveOrder} would,
     * but never sent again; a reference the gateway does not know comes back UNKNOWN with {@code whenNotKnown} as its
     * detail.
     */
    public static GatewayReply checkOnce(ApsClient client, String reference, ApsCommand command, long amount, String whenNotKnown) {
        Supplier<GatewayReply> notSent = () -> new GatewayReply(command, reference, OutcomeClass.UNKNOWN, null, null, null, null, null,
                whenNotKnown, Map.of());
        try {
            return new OutcomeResolver(client, 1, Duration.ZERO).resolveOrder(reference, command, amount, notSent);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // one try never sleeps; kept for the interrupt status all the same
            return notSent.get();
        }
    }

    /**
     * Settles a refund of {@code amount} (or a void) of the order {@code reference}: done when the gateway shows it
     * ({@code refunded_amount}, or a last operation of {@code 08000}); otherwise the same request again, which
     * carries the same maintenance reference, so that it can never be made twice.
     */
    public GatewayReply resolveReversal(String reference, ApsCommand reversal, long amount, Supplier<GatewayReply> resend)
            throws InterruptedException {
        return resolve(reference, reversal, status -> true, status -> {
            boolean done = reversal == ApsCommand.VOID_AUTHORIZATION ? "08000".equals(status.transactionCode())
                    : status.refundedAmount() >= amount;
            return done ? OutcomeClass.SUCCESS : null;
        }, resend);
    }

    /**
     * {@code settled} returns the final outcome the status shows, or null; {@code resendWhen} when to send again.
     * A resend whose own outcome is not known (its reply lost too) is settled like the first send: the next status
     * check, within the same budget of {@code tries}, asks about it, so what the gateway can tell is settled in this run.
     */
    private GatewayReply resolve(String reference, ApsCommand command, Predicate<StatusCheck> resendWhen,
                                 Function<StatusCheck, OutcomeClass> settled, Supplier<GatewayReply> resend)
            throws InterruptedException {
        String lastProblem = null;
        for (int i = 0; i < tries; i++) {
            if (i > 0) {
                Thread.sleep(backoff.multipliedBy(1L << Math.min(i - 1, 16)).toMillis());
            }
            ApsCommand asked = command == ApsCommand.AUTHORIZATION || command == ApsCommand.VOID_AUTHORIZATION
                    ? ApsCommand.AUTHORIZATION : ApsCommand.PURCHASE;
            StatusCheck status = client.checkStatus(reference, asked);
            if (!status.answered()) {
                GatewayReply r = status.reply();
                lastProblem = "status query not answered: " + (r.responseCode() == null ? r.problem() : r.responseCode());
                continue;
            }
            if (status.found()) {
                OutcomeClass outcome = settled.apply(status);
                if (outcome != null) {
                    GatewayReply r = status.reply();
                    return new GatewayReply(command, reference, outcome, status.transactionCode(), status.transactionMessage(),
                            r.fortId(), r.acquirerResponseCode(), r.authorizationCode(), null, r.fields());
                }
            }
            if (resendWhen.test(status)) {
                GatewayReply resent = resend.get();
                if (resent.outcome().isFinal() || resent.outcome() == OutcomeClass.CONFIG_ERROR) {
                    return resent;
                }
                lastProblem = "sent again, and that outcome is not known either: " + resent.describe();
                continue;
            }
            lastProblem = "the gateway reports it as " + status.transactionCode() + " (not final)";
        }
        return new GatewayReply(command, reference, OutcomeClass.UNKNOWN, null, null, null, null, null,
                "still unknown after " + tries + " status checks: " + lastProblem, Map.of());
    }
}
