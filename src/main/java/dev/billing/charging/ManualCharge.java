package dev.billing.charging;

import dev.billing.gateway.ApsClient;
import dev.billing.gateway.ApsCommand;
import dev.billing.gateway.GatewayReply;
import dev.billing.ledger.AttemptKind;
import dev.billing.ledger.AttemptState;
import dev.billing.ledger.Attempts;
import dev.billing.ledger.CardAttempts;
import dev.billing.ledger.OrderStatus;
import dev.billing.ledger.OutcomeResolver;
import dev.billing.ledger.RunSettings;
import dev.billing.ledger.TokenStatus;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import dev.billing.support.OperatorException;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a person does to one charge from the console, through the same ledger as the night: ask the gateway about an
 * attempt whose outcome is not known, and charge a failed or held order again. Same rules as the night (a VERIFIED
 * token, its agreement, the card-network decline limit, no charge already open); the attempt row is committed before
 * the call and carries the user's name.
 */
@Component
public class ManualCharge {

    /** What came of a console action, in one line for the page and the audit trail. */
    public record Result(String reference, String outcome) {
    }

    private final ChargeLedger ledger;
    private final CardAttempts cardAttempts;
    private final ObjectProvider<ApsClient> client;
    private final RunSettings settings;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Attempts attempts;

    public ManualCharge(ChargeLedger ledger, CardAttempts cardAttempts, ObjectProvider<ApsClient> client, RunSettings settings,
                        JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Attempts attempts) {
        this.ledger = ledger;
        this.attempts = attempts;
        this.cardAttempts = cardAttempts;
        this.client = client;
        this.settings = settings;
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactionManager);
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * One status check of an open CHARGE attempt; a final answer is settled through the ledger (the attempt, the order
     * and the token move as they would in the night, once). The gateway not knowing the reference changes nothing:
     * the next charge run sends the same request again under the same reference.
     */
    public Result askGateway(String attemptReference, LocalDate date) {
        ChargeLedger.Unresolved open = ledger.unresolved(attemptReference).orElseThrow(() -> new OperatorException(
                "charge " + attemptReference + " is not waiting for an outcome (settled already, or not a charge)"));
        DueOrder order = open.order();
        GatewayReply reply = OutcomeResolver.checkOnce(client.getObject().forAccount(order.account()), order.reference(), ApsCommand.PURCHASE,
                order.amount().minorUnits(), "the gateway does not know it; the next charge run sends it again with the same reference");
        if (!reply.outcome().isFinal()) {
            return new Result(attemptReference, "still unknown: " + reply.describe());
        }
        boolean[] settledHere = new boolean[1];
        transaction.executeWithoutResult(status -> {
            settledHere[0] = ledger.unresolved(attemptReference).isPresent();
            ledger.record(List.of(ChargeResult.sent(order, reply)), date, settings.schedule(), 0L);
        });
        return new Result(attemptReference, (settledHere[0] ? "settled " : "settled meanwhile by another path; the gateway says ")
                + reply.outcome() + ": " + reply.describe());
    }

    /**
     * Charges a PAYMENT_FAILED order, or one held on a night, now: a real charge with the order's token. A failed order
     * is opened again for this one attempt (its soft declines kept, so the retry schedule is not given again).
     */
    public Result chargeAgain(String orderId, String user, LocalDate date) {
        DueOrder order = transaction.execute(status -> prepare(orderId, user, date));
        GatewayReply reply = client.getObject().forAccount(order.account()).purchase(order.reference(), order.amount(), order.tokenName(), order.customerEmail(),
                "Order " + order.orderId(), order.agreementId());
        transaction.executeWithoutResult(status -> ledger.record(List.of(ChargeResult.sent(order, reply)), date, settings.schedule(), 0L));
        String state = jdbc.queryForObject("SELECT state FROM payment_attempts WHERE attempt_reference = ?", String.class, order.reference());
        return new Result(order.reference(), state + " (" + reply.outcome() + "): " + reply.describe());
    }

    /** The order as "charge again" finds it, under its row lock. */
    private record Candidate(DueOrder order, String status, boolean held, boolean chargeOpen) {
    }

    private DueOrder prepare(String orderId, String user, LocalDate date) {
        List<Candidate> found = jdbc.query("""
                SELECT o.id, o.order_id, o.token_name, t.status, t.customer_email, o.amount_minor, o.currency,
                       COALESCE((SELECT max(a.attempt) FROM payment_attempts a WHERE a.order_id = o.order_id AND a.kind = 'CHARGE'), 0) + 1,
                       o.soft_declines, t.agreement_id, o.status,
                       EXISTS (SELECT 1 FROM charge_holds h WHERE h.order_id = o.order_id),
                       EXISTS (SELECT 1 FROM payment_attempts a WHERE a.order_id = o.order_id AND a.kind = 'CHARGE'
                               AND a.state\s""" + AttemptState.NOT_SETTLED_SQL + """
                ), t.account
                FROM orders o JOIN tokens t ON t.token_name = o.token_name
                WHERE o.order_id = ?
                FOR NO KEY UPDATE OF o""",
                (rs, n) -> new Candidate(new DueOrder(rs.getLong(1), rs.getString(2), rs.getString(3), TokenStatus.of(rs.getString(4)), rs.getString(5),
                        Money.ofMinor(rs.getLong(6), CurrencyUnit.require(rs.getString(7))), rs.getInt(8), rs.getInt(9), rs.getString(10),
                        rs.getString(14)),
                        rs.getString(11), rs.getBoolean(12), rs.getBoolean(13)), orderId);
        if (found.isEmpty()) {
            throw new OperatorException("there is no order " + orderId);
        }
        DueOrder order = found.get(0).order();
        OrderStatus status = OrderStatus.of(found.get(0).status());
        boolean held = found.get(0).held();
        if (found.get(0).chargeOpen()) {
            throw new OperatorException("order " + orderId + " has a charge whose outcome is not known yet; ask the gateway about it first");
        }
        boolean chargeable = status == OrderStatus.PAYMENT_FAILED || (held && status.awaitsCharge());
        if (!chargeable) {
            throw new OperatorException("order " + orderId + " is " + status + (held ? "" : ", not held")
                    + ": only a PAYMENT_FAILED or held order is charged again from the console");
        }
        int declines = cardAttempts.declinesInWindow(List.of(order.tokenName()), date).getOrDefault(order.tokenName(), 0);
        String hold = order.holdReason(declines, settings, date, false);
        if (hold != null) {
            throw new OperatorException(hold + ": the order cannot be charged with it");
        }
        if (status == OrderStatus.PAYMENT_FAILED) {
            jdbc.update("UPDATE orders SET status = 'SHIPPED', next_attempt_on = NULL, failure_reason = NULL, updated_at = now()"
                    + " WHERE order_id = ?", orderId);
        }
        Set<String> prepared = attempts.prepare(List.of(new Attempts.New(order.reference(), order.reference(), AttemptKind.CHARGE, orderId,
                order.tokenName(), order.nextAttempt(), order.amount(), date, null, user)));
        if (prepared.isEmpty()) {
            throw new OperatorException("order " + orderId + " is being charged by a run at this moment; look again in a minute");
        }
        return order;
    }
}
