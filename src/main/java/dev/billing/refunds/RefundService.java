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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
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
    public record Sending(String reference, String orderId, String chargeReference, Money amount, long succeededBefore, boolean first,
                          String account) {

        /** The charge's next refund, of {@code amount}, its row just written: sent for the first time. */
        static Sending first(Refunds.Charge charge, Money amount) {
            return new Sending(charge.nextReference(), charge.orderId(), charge.chargeReference(), amount, charge.succeeded(), true, charge.account());
        }
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
        return steps(List.of(ask)).get(0);
    }

    /**
     * Asks for each refund (a request, and when no second person is needed its ledger row) in one transaction: those of
     * distinct orders in a few statements for all, and when the ledger refuses one of them (or two are of one order),
     * each in a savepoint of its own, so that what stands in one's way is rolled back alone. The caller {@link #call}s
     * what is to be sent after this returns, that is after the rows are committed, then {@link #settleAll}.
     */
    public List<Asked> askAll(List<Ask> asks) {
        TransactionTemplate each = new TransactionTemplate(transaction.getTransactionManager());
        each.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        return transaction.execute(status -> {
            if (asks.stream().map(Ask::orderId).distinct().count() == asks.size()) {
                try {
                    List<Step> steps = each.execute(nested -> steps(asks));
                    return java.util.stream.IntStream.range(0, asks.size())
                            .mapToObj(i -> new Asked(asks.get(i), steps.get(i).send(), steps.get(i).done())).toList();
                } catch (Refused e) {
                    // rolled back to before them: each on its own, below
                }
            }
            return asks.stream().map(ask -> {
                try {
                    Step step = each.execute(nested -> step(ask));
                    return new Asked(ask, step.send(), step.done());
                } catch (Refused e) {
                    return new Asked(ask, null, e.outcome);
                }
            }).toList();
        });
    }

    /**
     * The steps of asks of distinct orders, in the caller's transaction: a file's row asked for before is resumed, the
     * others asked for now. What stands in the way of one of them throws {@link Refused}, for the caller to roll back.
     */
    private List<Step> steps(List<Ask> asks) {
        Map<String, Request> before = requestsOf(asks.stream().filter(a -> a.fileSha256() != null).toList());
        List<Ask> fresh = asks.stream().filter(a -> !before.containsKey(fileRow(a))).toList();
        java.util.Iterator<Step> asked = ask(fresh).iterator();
        List<Step> steps = new ArrayList<>(asks.size());
        for (Ask a : asks) {
            Request request = before.get(fileRow(a));
            steps.add(request == null ? asked.next() : resume(request));
        }
        return steps;
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
                o.succeededBefore(), false, o.account())).toList();
        try {
            List<Reply> replies = Concurrently.map(threads, open, concurrency(), this::call);
            return (int) settleAll(replies).stream().filter(outcome -> outcome.result() == Result.UNKNOWN).count();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return open.size();
        }
    }

    /** What a fresh ask comes to once checked: a refund of {@code amount} of {@code charge}, or why not. */
    private record Plan(Ask ask, Refunds.Charge charge, Money amount, boolean waits, String refusal) {

        static Plan refused(Ask ask, String why) {
            return new Plan(ask, null, null, false, why);
        }
    }

    /**
     * Asks for refunds of distinct orders, none asked for before, in a few statements whatever their count: the orders
     * locked and read at once; each ask checked; the ledger rows of those that need no second person written at once
     * (then the requests that name them, and those that wait). The ledger refusing one throws {@link Refused}.
     */
    private List<Step> ask(List<Ask> asks) {
        if (asks.isEmpty()) {
            return List.of();
        }
        Refunds.Found found = refunds.lock(asks.stream().map(Ask::orderId).toList());
        List<Plan> plans = asks.stream().map(ask -> check(ask, found)).toList();
        List<Plan> toSend = plans.stream().filter(p -> p.refusal() == null && !p.waits()).toList();
        Set<String> written = prepareRows(toSend.stream().map(p -> new Refunds.Planned(p.charge(), p.amount(), p.ask().user())).toList(),
                null);
        List<Plan> requested = plans.stream().filter(p -> p.refusal() == null && (p.waits() || written.contains(p.charge().nextReference())))
                .toList();
        Map<String, Long> ids = insertRequests(requested);
        List<Step> steps = new ArrayList<>(plans.size());
        for (Plan plan : plans) {
            if (plan.refusal() != null) {
                steps.add(refused(plan.refusal()));
            } else if (!ids.containsKey(plan.ask().orderId())) {
                steps.add(refused("a refund of order " + plan.ask().orderId() + " was prepared at the same moment; ask again when it is settled"));
            } else {
                steps.add(asked(plan, ids.get(plan.ask().orderId())));
            }
        }
        return steps;
    }

    /** Checks a fresh ask against its order as found (locked): what it would refund, or why it cannot be asked for. */
    private Plan check(Ask ask, Refunds.Found found) {
        String reason = ask.reason() == null ? "" : ask.reason().strip();
        if (reason.isEmpty()) {
            return Plan.refused(ask, "a refund needs a reason (--reason)");
        }
        Refunds.Charge charge = found.charges().get(ask.orderId());
        if (charge == null) {
            OrderStatus status = found.statuses().get(ask.orderId());
            return Plan.refused(ask, status == null ? "there is no order " + ask.orderId() : "order " + ask.orderId() + " is " + status
                    + " and has no successful charge: only a charge that succeeded is refunded");
        }
        CurrencyUnit currency = charge.captured().currency();
        if (ask.currency() != null && !ask.currency().isBlank() && !ask.currency().strip().equalsIgnoreCase(currency.code())) {
            return Plan.refused(ask, "order " + ask.orderId() + " was charged in " + currency.code() + ", not " + ask.currency().strip()
                    + ": a refund is in the charge's currency");
        }
        if (charge.open() != null) {
            return Plan.refused(ask, "a refund of order " + ask.orderId() + " is in flight (" + charge.open() + "); ask again when it is settled");
        }
        Money left = charge.left();
        Money amount;
        if (ask.amount() == null || ask.amount().isBlank()) {
            amount = left;
        } else {
            try {
                amount = Money.parse(ask.amount(), currency);
            } catch (InvalidAmountException e) {
                return Plan.refused(ask, e.getMessage());
            }
        }
        if (!left.isPositive()) {
            return Plan.refused(ask, "order " + ask.orderId() + " has nothing left to refund: its " + charge.captured().toPlainString() + " "
                    + currency.code() + " were refunded");
        }
        if (!amount.isPositive()) {
            return Plan.refused(ask, "a refund must be more than zero");
        }
        if (amount.minorUnits() > left.minorUnits()) {
            return Plan.refused(ask, amount.toPlainString() + " " + currency.code() + " is more than the " + left.toPlainString() + " "
                    + currency.code() + " left to refund of order " + ask.orderId() + " (" + charge.captured().toPlainString() + " captured)");
        }
        return new Plan(ask, charge, amount, settings.needsApproval(amount), null);
    }

    /**
     * Writes the requests of the plans (those sent naming their ledger rows, written before them), in one statement;
     * returns their ids by order.
     */
    private Map<String, Long> insertRequests(List<Plan> plans) {
        Map<String, Long> ids = new HashMap<>();
        if (plans.isEmpty()) {
            return ids;
        }
        sql.sql("""
                INSERT INTO refund_requests (order_id, amount_minor, currency, reason, requested_by, status, attempt_reference,
                                             file_sha256, line_number)
                SELECT * FROM unnest(CAST(:orders AS text[]), CAST(:amounts AS int8[]), CAST(:currencies AS text[]),
                                     CAST(:reasons AS text[]), CAST(:users AS text[]), CAST(:statuses AS text[]),
                                     CAST(:references AS text[]), CAST(:shas AS text[]), CAST(:lines AS int8[]))
                RETURNING id, order_id""")
                .param("orders", plans.stream().map(p -> p.ask().orderId()).toArray(String[]::new))
                .param("amounts", plans.stream().map(p -> p.amount().minorUnits()).toArray(Long[]::new))
                .param("currencies", plans.stream().map(p -> p.amount().currency().code()).toArray(String[]::new))
                .param("reasons", plans.stream().map(p -> clip(p.ask().reason().strip(), 500)).toArray(String[]::new))
                .param("users", plans.stream().map(p -> p.ask().user()).toArray(String[]::new))
                .param("statuses", plans.stream().map(p -> p.waits() ? "AWAITING_APPROVAL" : "SENT").toArray(String[]::new))
                .param("references", plans.stream().map(p -> p.waits() ? null : p.charge().nextReference()).toArray(String[]::new))
                .param("shas", plans.stream().map(p -> p.ask().fileSha256()).toArray(String[]::new))
                .param("lines", plans.stream().map(p -> p.ask().line()).toArray(Long[]::new))
                .query((RowCallbackHandler) rs -> ids.put(rs.getString(2), rs.getLong(1)));
        return ids;
    }

    /** A request written: its refund to send, or the wait for a second person. A request not from a file is audited. */
    private Step asked(Plan plan, long id) {
        Ask ask = plan.ask();
        String what = plan.amount().toPlainString() + " " + plan.amount().currency().code();
        if (ask.fileSha256() == null) {
            // a file's rows are audited as one entry by its run (each row is a request with who asked and why)
            audit.append(ask.user(), "REFUND_REQUESTED", ask.orderId(), "request " + id + ": " + what + ", " + clip(ask.reason().strip(), 200));
        }
        if (plan.waits()) {
            CurrencyUnit currency = plan.amount().currency();
            Money threshold = settings.threshold(currency);
            return new Step(null, new Outcome(Result.WAITING, id, null, "the refund of " + what + " of order " + ask.orderId()
                    + " waits for a second person's approval (request " + id + "; "
                    + (threshold == null ? "every refund in " + currency.code() : "above " + threshold.toPlainString() + " " + currency.code())
                    + " is approved in the console)"));
        }
        return new Step(Sending.first(plan.charge(), plan.amount()), null);
    }

    /**
     * The ledger row of a refund of {@code amount} of the charge (read under its order's lock), committed with the
     * caller's transaction. What stands in its way rolls the transaction back ({@link Refused}).
     */
    private Sending prepare(Refunds.Charge charge, Money amount, String user, Long requestId) {
        if (prepareRows(List.of(new Refunds.Planned(charge, amount, user)), requestId).isEmpty()) {
            throw new Refused(requestId, "a refund of order " + charge.orderId() + " was prepared at the same moment; ask again when it"
                    + " is settled");
        }
        return Sending.first(charge, amount);
    }

    /**
     * The refunds' ledger rows, written in one statement with the caller's transaction; returns the references written.
     * The ledger refusing one (more than was captured) rolls the transaction back ({@link Refused}).
     */
    private Set<String> prepareRows(List<Refunds.Planned> planned, Long requestId) {
        try {
            return refunds.prepare(planned, today());
        } catch (DataIntegrityViolationException e) {
            throw new Refused(requestId, planned.size() == 1 ? "the ledger refused the refund of order " + planned.get(0).charge().orderId()
                    + ": it would refund more than was captured" : "the ledger refused one of the refunds");
        }
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
        ApsClient gateway = client.getObject().forAccount(refund.account()); // the charge's account, whose reference it is
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
        return transaction.execute(status -> {
            List<AttemptState> states = refunds.settle(replies.stream().map(r -> new Refunds.Answer(r.refund().reference(), r.reply())).toList());
            List<Outcome> outcomes = new ArrayList<>(replies.size());
            for (int i = 0; i < replies.size(); i++) {
                Sending refund = replies.get(i).refund();
                GatewayReply answer = replies.get(i).reply();
                AttemptState settled = states.get(i);
                if (settled == AttemptState.FAILED || settled == AttemptState.DECLINED) {
                    exceptions.add(today(), REFUND_FAILED, refund.reference(), refund.orderId(), null, refund.amount(),
                            "the gateway refused the refund: " + answer.describe());
                }
                outcomes.add(outcome(settled, null, refund.orderId(), refund.reference(), refund.amount(), answer.describe()));
            }
            return outcomes;
        });
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
            SELECT r.id, r.order_id, r.amount_minor, r.currency, r.requested_by, r.status, r.decided_by, r.decision_note,
                   r.attempt_reference, r.file_sha256, r.line_number
            FROM refund_requests r""";

    private Optional<Request> request(long id) {
        return sql.sql(REQUEST + " WHERE r.id = :id FOR UPDATE").param("id", id).query(RefundService::request).optional();
    }

    /** The requests of file rows asked for before, locked, by {@link #fileRow}. */
    private Map<String, Request> requestsOf(List<Ask> fileRows) {
        Map<String, Request> found = new HashMap<>();
        if (!fileRows.isEmpty()) {
            sql.sql(REQUEST + """
                     JOIN unnest(CAST(:shas AS char(64)[]), CAST(:lines AS int8[])) AS k(sha, line)
                        ON r.file_sha256 = k.sha AND r.line_number = k.line
                    FOR UPDATE OF r""")
                    .param("shas", fileRows.stream().map(Ask::fileSha256).toArray(String[]::new))
                    .param("lines", fileRows.stream().map(Ask::line).toArray(Long[]::new))
                    .query((RowCallbackHandler) rs -> found.put(fileRow(rs.getString(10), rs.getLong(11)), request(rs, 0)));
        }
        return found;
    }

    /** The key of a file's row: its file's SHA-256 and its line (null for an ask not from a file). */
    private static String fileRow(Ask ask) {
        return ask.fileSha256() == null ? null : fileRow(ask.fileSha256(), ask.line());
    }

    private static String fileRow(String sha256, long line) {
        return sha256 + ":" + line;
    }

    private static Request request(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Request(rs.getLong(1), rs.getString(2), Money.ofMinor(rs.getLong(3), CurrencyUnit.require(rs.getString(4))),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
