package dev.billing.refunds;

import dev.billing.audit.AuditLog;
import dev.billing.batch.Concurrently;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.ApsCommand;
import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.GatewayReply;
import dev.billing.ledger.AttemptState;
import dev.billing.ledger.LedgerExceptions;
import dev.billing.ledger.LedgerProperties;
import dev.billing.ledger.OrderStatus;
import dev.billing.ledger.OutcomeResolver;
import dev.billing.ledger.Refunds;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.InvalidAmountException;
import dev.billing.money.Money;
import dev.billing.support.EngineProperties;
import dev.billing.support.EngineThreads;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Refunds of customers' charges, on the ledger's rules: a request (who asked and why) is checked against what the
 * order's successful charge has left; above {@code billing.refunds.approval-above.<CUR>} it waits for a second
 * person; otherwise its ledger row ({@code RF-<order_id>-<n>}) is committed before the REFUND is sent with the
 * charge's merchant reference and the row's own maintenance reference. A reply that is lost is settled by asking the
 * gateway about the charge ({@code refunded_amount}), and the same request is sent again only when the gateway has not
 * got it: a refund is never made twice, whatever crashes. A refund that fails for good is an exception for a person.
 */
@Service
public class RefundService {

    /** The ledger exception of a refund the gateway refused for good. */
    public static final String REFUND_FAILED = "REFUND_FAILED";

    /** What came of a request. */
    public enum Result {
        /** The gateway gave the money back. */
        REFUNDED,
        /** The gateway refused it for good, or it was rejected or expired. */
        FAILED,
        /** It waits for a second person's approval. */
        WAITING,
        /** Nothing was asked of the gateway: no such order, nothing left, more than is left, a bad amount... */
        REFUSED,
        /** Sent, and what became of it is not known yet: the next refund command asks the gateway. */
        UNKNOWN
    }

    /** What came of a request, in one line for a person. {@code requestId} and {@code reference} may be null. */
    public record Outcome(Result result, Long requestId, String reference, String message) {
    }

    /**
     * A refund asked for.
     *
     * @param amount   in major units; null or blank for what is left
     * @param currency null for the charge's; otherwise it must be the charge's
     * @param fileSha256 with {@code line}: the file row it comes from (the same row again asks nothing twice); else null
     */
    public record Ask(String orderId, String amount, String currency, String reason, String user, String fileSha256, Long line) {

        public static Ask of(String orderId, String amount, String reason, String user) {
            return new Ask(orderId, amount, null, reason, user, null, null);
        }
    }

    /**
     * A refund whose ledger row is committed and whose call is to be made (or, its process having died, asked about).
     *
     * @param first false when it may have been sent before: the gateway is asked about it before it is sent again
     */
    public record Sending(String reference, String orderId, String chargeReference, Money amount, long succeededBefore, boolean first) {
    }

    /** What the gateway said of a refund sent (or asked about). */
    public record Reply(Sending refund, GatewayReply reply) {
    }

    /** A request asked for: either a refund to send, or what came of it already. */
    public record Asked(Ask ask, Sending send, Outcome done) {
    }

    /** Either a refund to send now, or what came of the request already. */
    private record Step(Sending send, Outcome done) {
    }

    /** A refund that cannot be prepared: its transaction is rolled back, and the person told why. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Outcome outcome;

        Refused(Long requestId, String why) {
            super(why, null, false, false);
            this.outcome = new Outcome(Result.REFUSED, requestId, null, why);
        }
    }

    private final Refunds refunds;
    private final LedgerExceptions exceptions;
    private final ObjectProvider<ApsClient> client;
    private final RefundProperties settings;
    private final LedgerProperties ledger;
    private final GatewayProperties gateway;
    private final EngineProperties engine;
    private final AuditLog audit;
    private final JdbcClient sql;
    private final TransactionTemplate transaction;
    private final EngineThreads threads;

    public RefundService(Refunds refunds, LedgerExceptions exceptions, ObjectProvider<ApsClient> client, RefundProperties settings,
                         LedgerProperties ledger, GatewayProperties gateway, EngineProperties engine, AuditLog audit, JdbcTemplate jdbc,
                         PlatformTransactionManager transactionManager, EngineThreads threads) {
        this.threads = threads;
        this.refunds = refunds;
        this.exceptions = exceptions;
        this.client = client;
        this.settings = settings;
        this.ledger = ledger;
        this.gateway = gateway;
        this.engine = engine;
        this.audit = audit;
        this.sql = JdbcClient.create(jdbc);
        this.transaction = new TransactionTemplate(transactionManager);
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** The business date a refund sent now belongs to: today in {@code billing.zone}. */
    public LocalDate today() {
        return LocalDate.now(engine.zone());
    }

    /** How many refunds may be in flight at once: the gateway's budget. */
    public int concurrency() {
        return gateway.maxConcurrency();
    }

    /**
     * Asks for a refund and, when no second person is needed, sends it. A file's row that was asked for before is not
     * asked again: what came of it is returned (settled first, if it was in flight).
     */
    public Outcome refund(Ask ask) {
        return run(() -> step(ask));
    }

    /** A file's row asked for before: what came of it (or its refund to send); else the request asked for now. */
    private Step step(Ask ask) {
        Optional<Request> before = ask.fileSha256() == null ? Optional.empty() : request(ask.fileSha256(), ask.line());
        return before.isPresent() ? resume(before.get()) : ask(ask);
    }

    /**
     * Asks for each refund (a request, and when no second person is needed its ledger row) in one transaction, each in
     * a savepoint of its own: what stands in one's way is rolled back alone. The caller {@link #call}s what is to be
     * sent after this returns, that is after the rows are committed, then {@link #settleAll}.
     */
    public List<Asked> askAll(List<Ask> asks) {
        TransactionTemplate each = new TransactionTemplate(transaction.getTransactionManager());
        each.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        return transaction.execute(status -> asks.stream().map(ask -> {
            try {
                Step step = each.execute(nested -> step(ask));
                return new Asked(ask, step.send(), step.done());
            } catch (Refused e) {
                return new Asked(ask, null, e.outcome);
            }
        }).toList());
    }

    /** Runs {@code step} in a transaction of its own, then sends what it prepared. */
    private Outcome run(java.util.function.Supplier<Step> step) {
        Step done;
        try {
            done = transaction.execute(status -> step.get());
        } catch (Refused e) {
            return e.outcome;
        }
        return done.done() != null ? done.done() : settleAll(List.of(call(done.send()))).get(0);
    }

    /** A second person approves a waiting request: it is sent now. */
    public Outcome approve(long requestId, String user) {
        return run(() -> {
            expireOld();
            Request request = request(requestId).orElse(null);
            String refusal = refusal(request, requestId, user, "approves it");
            if (refusal != null) {
                return new Step(null, new Outcome(Result.REFUSED, requestId, null, refusal));
            }
            sql.sql("UPDATE refund_requests SET status = 'APPROVED', decided_by = :user, decided_at = now() WHERE id = :id")
                    .param("user", user).param("id", requestId).update();
            audit.append(user, "REFUND_APPROVED", request.orderId(), "request " + requestId + ": " + request.amount().toPlainString()
                    + " " + request.amount().currency().code());
            return prepare(request);
        });
    }

    /** A second person rejects a waiting request, with a note; it is kept with it. */
    public Outcome reject(long requestId, String user, String note) {
        return transaction.execute(status -> {
            Request request = request(requestId).orElse(null);
            String refusal = refusal(request, requestId, user, "decides on it");
            if (refusal != null) {
                return new Outcome(Result.REFUSED, requestId, null, refusal);
            }
            String why = note == null || note.isBlank() ? "rejected" : note.strip();
            sql.sql("""
                    UPDATE refund_requests SET status = 'REJECTED', decided_by = :user, decided_at = now(), decision_note = :note
                    WHERE id = :id""").param("user", user).param("note", clip(why, 500)).param("id", requestId).update();
            audit.append(user, "REFUND_REJECTED", request.orderId(), "request " + requestId + ": " + why);
            return new Outcome(Result.FAILED, requestId, null, "refund request " + requestId + " rejected: " + why);
        });
    }

    /**
     * Why {@code user} may not decide on the request (none, not waiting, or theirs: "a second person {@code decides}"),
     * or null.
     */
    private static String refusal(Request request, long requestId, String user, String decides) {
        if (request == null || !request.status().equals("AWAITING_APPROVAL")) {
            return request == null ? "there is no refund request " + requestId
                    : "refund request " + requestId + " is " + request.status() + ", not waiting for approval";
        }
        return request.requestedBy().equals(user) ? "refund request " + requestId + " was asked for by " + user + ": a second person "
                + decides : null;
    }

    /** Requests waiting for a second person longer than {@code billing.refunds.approval-expires-after} expire. */
    public int expireOld() {
        return sql.sql("""
                UPDATE refund_requests SET status = 'EXPIRED', decided_at = now(),
                    decision_note = 'not approved within ' || :after
                WHERE status = 'AWAITING_APPROVAL' AND requested_at < now() - CAST(:after AS interval)""")
                .param("after", settings.approvalExpiresAfter().toSeconds() + " seconds").update();
    }

    /**
     * Settles every refund whose outcome is not known (a process that died between its row and its reply, a reply
     * lost): by asking the gateway about the charge, and sending the same request again only when it has not got it.
     * Returns how many are still not known.
     */
    public int settleOpen() {
        List<Sending> open = refunds.open().stream().map(o -> new Sending(o.reference(), o.orderId(), o.chargeReference(), o.amount(),
                o.succeededBefore(), false)).toList();
        try {
            List<Reply> replies = Concurrently.map(threads, open, concurrency(), this::call);
            return (int) settleAll(replies).stream().filter(outcome -> outcome.result() == Result.UNKNOWN).count();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return open.size();
        }
    }

    private Step ask(Ask ask) {
        String reason = ask.reason() == null ? "" : ask.reason().strip();
        if (reason.isEmpty()) {
            return refused("a refund needs a reason (--reason)");
        }
        Optional<Refunds.Charge> found = refunds.chargeOf(ask.orderId());
        if (found.isEmpty()) {
            Optional<OrderStatus> status = refunds.statusOf(ask.orderId());
            return refused(status.isEmpty() ? "there is no order " + ask.orderId()
                    : "order " + ask.orderId() + " is " + status.get() + " and has no successful charge: only a charge that succeeded is refunded");
        }
        Refunds.Charge charge = found.get();
        CurrencyUnit currency = charge.captured().currency();
        if (ask.currency() != null && !ask.currency().isBlank() && !ask.currency().strip().equalsIgnoreCase(currency.code())) {
            return refused("order " + ask.orderId() + " was charged in " + currency.code() + ", not " + ask.currency().strip()
                    + ": a refund is in the charge's currency");
        }
        if (charge.open() != null) {
            return refused("a refund of order " + ask.orderId() + " is in flight (" + charge.open() + "); ask again when it is settled");
        }
        Money left = charge.left();
        Money amount;
        if (ask.amount() == null || ask.amount().isBlank()) {
            amount = left;
        } else {
            try {
                amount = Money.parse(ask.amount(), currency);
            } catch (InvalidAmountException e) {
                return refused(e.getMessage());
            }
        }
        if (!left.isPositive()) {
            return refused("order " + ask.orderId() + " has nothing left to refund: its " + charge.captured().toPlainString() + " "
                    + currency.code() + " were refunded");
        }
        if (!amount.isPositive()) {
            return refused("a refund must be more than zero");
        }
        if (amount.minorUnits() > left.minorUnits()) {
            return refused(amount.toPlainString() + " " + currency.code() + " is more than the " + left.toPlainString() + " "
                    + currency.code() + " left to refund of order " + ask.orderId() + " (" + charge.captured().toPlainString() + " captured)");
        }
        boolean waits = settings.needsApproval(amount);
        String what = amount.toPlainString() + " " + currency.code();
        // no second person needed: the ledger row first (the charge read above, under its order's lock), then the request
        // that names it; else the request alone, waiting
        Sending sending = waits ? null : prepare(charge, amount, ask.user(), null);
        Long id = sql.sql("""
                INSERT INTO refund_requests (order_id, amount_minor, currency, reason, requested_by, status, attempt_reference,
                                             file_sha256, line_number)
                VALUES (:order, :amount, :currency, :reason, :user, :status, :reference, :sha, :line) RETURNING id""")
                .param("order", ask.orderId()).param("amount", amount.minorUnits()).param("currency", currency.code())
                .param("reason", clip(reason, 500)).param("user", ask.user()).param("status", waits ? "AWAITING_APPROVAL" : "SENT")
                .param("reference", sending == null ? null : sending.reference())
                .param("sha", ask.fileSha256()).param("line", ask.line()).query(Long.class).single();
        if (ask.fileSha256() == null) {
            // a file's rows are audited as one entry by its run (each row is a request with who asked and why)
            audit.append(ask.user(), "REFUND_REQUESTED", ask.orderId(), "request " + id + ": " + what + ", " + clip(reason, 200));
        }
        if (waits) {
            Money threshold = settings.threshold(currency);
            return new Step(null, new Outcome(Result.WAITING, id, null, "the refund of " + what + " of order " + ask.orderId()
                    + " waits for a second person's approval (request " + id + "; "
                    + (threshold == null ? "every refund in " + currency.code() : "above " + threshold.toPlainString() + " " + currency.code())
                    + " is approved in the console)"));
        }
        return new Step(sending, null);
    }

    /**
     * The ledger row of a refund of {@code amount} of the charge (read under its order's lock), committed with the
     * caller's transaction. What stands in its way rolls the transaction back ({@link Refused}).
     */
    private Sending prepare(Refunds.Charge charge, Money amount, String user, Long requestId) {
        Optional<String> reference;
        try {
            reference = refunds.prepare(charge, amount, today(), user);
        } catch (DataIntegrityViolationException e) {
            throw new Refused(requestId, "the ledger refused the refund of order " + charge.orderId()
                    + ": it would refund more than was captured");
        }
        if (reference.isEmpty()) {
            throw new Refused(requestId, "a refund of order " + charge.orderId() + " was prepared at the same moment; ask again when it"
                    + " is settled");
        }
        return new Sending(reference.get(), charge.orderId(), charge.chargeReference(), amount, charge.succeeded(), true);
    }

    /**
     * The ledger row of an approved request, committed with the caller's transaction; the caller sends it after the
     * commit. What stands in its way rolls the transaction back ({@link Refused}).
     */
    private Step prepare(Request request) {
        Refunds.Charge charge = refunds.chargeOf(request.orderId()).orElse(null);
        String problem = null;
        if (charge == null) {
            problem = "order " + request.orderId() + " has no successful charge any more";
        } else if (charge.open() != null) {
            problem = "a refund of order " + request.orderId() + " is in flight (" + charge.open() + "); ask again when it is settled";
        } else if (request.amount().minorUnits() > charge.left().minorUnits()) {
            problem = request.amount().toPlainString() + " " + request.amount().currency().code() + " is more than the "
                    + charge.left().toPlainString() + " left to refund of order " + request.orderId();
        }
        if (problem != null) {
            throw new Refused(request.id(), problem);
        }
        Sending sending = prepare(charge, request.amount(), request.requestedBy(), request.id());
        sql.sql("UPDATE refund_requests SET status = 'SENT', attempt_reference = :reference WHERE id = :id")
                .param("reference", sending.reference()).param("id", request.id()).update();
        return new Step(sending, null);
    }

    /** A request asked for before (the same file row): what came of it, or its refund to send. */
    private Step resume(Request request) {
        return switch (request.status()) {
            case "AWAITING_APPROVAL" -> new Step(null, new Outcome(Result.WAITING, request.id(), null, "refund request " + request.id()
                    + " of order " + request.orderId() + " still waits for a second person's approval"));
            case "REJECTED", "EXPIRED" -> new Step(null, new Outcome(Result.FAILED, request.id(), null, "refund request " + request.id()
                    + " of order " + request.orderId() + " was " + request.status().toLowerCase(java.util.Locale.ROOT)
                    + (request.decisionNote() == null ? "" : ": " + request.decisionNote())));
            case "APPROVED" -> prepare(request);
            default -> new Step(null, outcomeOf(request.id(), request.orderId(), request.attemptReference(), request.amount()));
        };
    }

    /**
     * Sends the refund (or, when it may have been sent before, asks about it before sending it again), settling a reply
     * that is not final by asking the gateway about the charge. No database work: many are in flight at once.
     */
    public Reply call(Sending refund) {
        ApsClient gateway = client.getObject();
        GatewayReply reply = refund.first() ? gateway.refund(refund.chargeReference(), refund.reference(), refund.amount()) : null;
        if (reply == null || !reply.outcome().isFinal()) {
            try {
                reply = new OutcomeResolver(gateway, ledger.resolve().tries(), ledger.resolve().backoff()).resolveReversal(
                        refund.chargeReference(), ApsCommand.REFUND, refund.succeededBefore() + refund.amount().minorUnits(),
                        () -> gateway.refund(refund.chargeReference(), refund.reference(), refund.amount()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply = new GatewayReply(ApsCommand.REFUND, refund.chargeReference(), dev.billing.gateway.OutcomeClass.UNKNOWN, null, null,
                        null, null, null, "interrupted", java.util.Map.of());
            }
        }
        return new Reply(refund, reply);
    }

    /**
     * Settles the refunds' rows with what the gateway said, in one transaction (a reply that is not final leaves its row
     * open, for the next refund command to ask about); a refund refused for good is an exception for a person.
     */
    public List<Outcome> settleAll(List<Reply> replies) {
        if (replies.isEmpty()) {
            return List.of();
        }
        return transaction.execute(status -> replies.stream().map(r -> {
            Sending refund = r.refund();
            GatewayReply answer = r.reply();
            AttemptState settled = answer.outcome().isFinal() ? refunds.settle(refund.reference(), answer)
                    : refunds.stateOf(refund.reference()).orElseThrow();
            if (settled == AttemptState.FAILED || settled == AttemptState.DECLINED) {
                exceptions.add(today(), REFUND_FAILED, refund.reference(), refund.orderId(), null, refund.amount(),
                        "the gateway refused the refund: " + answer.describe());
            }
            return outcome(settled, null, refund.orderId(), refund.reference(), refund.amount(), answer.describe());
        }).toList());
    }

    private Outcome outcomeOf(long requestId, String orderId, String reference, Money amount) {
        AttemptState state = refunds.stateOf(reference).orElse(AttemptState.UNKNOWN);
        return outcome(state, requestId, orderId, reference, amount, refunds.lastWord(reference));
    }

    private static Outcome outcome(AttemptState state, Long requestId, String orderId, String reference, Money amount, String word) {
        String what = amount.toPlainString() + " " + amount.currency().code() + " of order " + orderId + " (" + reference + ")";
        return switch (state) {
            case SUCCEEDED -> new Outcome(Result.REFUNDED, requestId, reference, "refunded " + what + ": " + word);
            case FAILED, DECLINED -> new Outcome(Result.FAILED, requestId, reference, "the gateway refused the refund of " + what + ": " + word);
            case PREPARED, UNKNOWN -> new Outcome(Result.UNKNOWN, requestId, reference, "the refund of " + what + " is not known yet (" + word
                    + "); the next refund command asks the gateway about it");
        };
    }

    private static Step refused(String why) {
        return new Step(null, new Outcome(Result.REFUSED, null, null, why));
    }

    /** A row of refund_requests. */
    private record Request(long id, String orderId, Money amount, String requestedBy, String status, String decidedBy, String decisionNote,
                           String attemptReference) {
    }

    private static final String REQUEST = """
            SELECT id, order_id, amount_minor, currency, requested_by, status, decided_by, decision_note, attempt_reference
            FROM refund_requests""";

    private Optional<Request> request(long id) {
        return sql.sql(REQUEST + " WHERE id = :id FOR UPDATE").param("id", id).query(RefundService::request).optional();
    }

    private Optional<Request> request(String sha256, long line) {
        return sql.sql(REQUEST + " WHERE file_sha256 = :sha AND line_number = :line FOR UPDATE").param("sha", sha256).param("line", line)
                .query(RefundService::request).optional();
    }

    private static Request request(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Request(rs.getLong(1), rs.getString(2), Money.ofMinor(rs.getLong(3), CurrencyUnit.require(rs.getString(4))),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
