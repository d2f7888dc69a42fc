package dev.billing.charging;

import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.ledger.OrderStatus;
import dev.billing.ledger.RetrySchedule;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * What recording a chunk's charge results does, decided before anything is written ({@link ChargeLedger#record}
 * applies it). Pure.
 *
 * <p>A sent charge settles its ledger row; what it then does to its order and token is planned here but happens only
 * if that row moves from open to settled when the plan is applied: a row settled already (by a notification, a status
 * check or another run) had its effects then, and they never happen twice.
 *
 * @param settles   the sent charges, in the order of the results
 * @param withdrawn the merchant references of attempts prepared and then not sent: their rows go
 * @param holds     the orders not charged on the date, with the reason
 */
public record ChargePlan(List<Settle> settles, List<String> withdrawn, List<Hold> holds) {

    /**
     * One sent charge: its row's update, and what follows if that update moves it.
     *
     * @param order null when the outcome is not final (unknown, a reference used before, the account's settings)
     * @param token null when the token stays as it is
     */
    public record Settle(ChargeResult result, ChargeOutcome outcome, OrderChange order, TokenChange token) {

        public GatewayReply reply() {
            return result.reply();
        }

        public DueOrder due() {
            return result.order();
        }
    }

    /**
     * What a final outcome does to its order: only a SHIPPED or DEFERRED order takes it (an outcome never overrides a
     * status the import set), so a success on an order the import changed meanwhile is an exception for a person.
     *
     * @param status null: the status stays (a soft decline with a retry date left)
     */
    public record OrderChange(String orderId, OrderStatus status, int attempt, LocalDate nextAttemptOn, String failureReason,
                              int softDeclines, boolean paid) {
    }

    /** A token a hard decline showed dead: INVALID, with the reason. */
    public record TokenChange(String tokenName, String reason) {
    }

    /** An order not charged on the date. */
    public record Hold(String orderId, String tokenName, String reason) {
    }

    public static ChargePlan of(List<ChargeResult> results, LocalDate date, RetrySchedule schedule) {
        List<Settle> settles = new ArrayList<>();
        List<String> withdrawn = new ArrayList<>();
        List<Hold> holds = new ArrayList<>();
        for (ChargeResult result : results) {
            DueOrder order = result.order();
            switch (result.kind()) {
                case HELD -> holds.add(new Hold(order.orderId(), order.tokenName(), result.reason()));
                case WITHDRAWN -> withdrawn.add(order.reference());
                case NOT_SENT -> {
                    withdrawn.add(order.reference());
                    holds.add(new Hold(order.orderId(), order.tokenName(), result.reason()));
                }
                case SENT -> settles.add(settle(result, date, schedule));
            }
        }
        return new ChargePlan(List.copyOf(settles), List.copyOf(withdrawn), List.copyOf(holds));
    }

    private static Settle settle(ChargeResult result, LocalDate date, RetrySchedule schedule) {
        DueOrder order = result.order();
        GatewayReply reply = result.reply();
        ChargeOutcome outcome = ChargeOutcome.of(reply.outcome(), order.softDeclines(), date, schedule, reply.describe());
        OrderChange orderChange = reply.outcome().isFinal()
                ? new OrderChange(order.orderId(), outcome.orderStatus(), order.nextAttempt(), outcome.nextAttemptOn(),
                        outcome.failureReason(), outcome.softDeclines(), reply.outcome() == OutcomeClass.SUCCESS)
                : null;
        TokenChange tokenChange = outcome.invalidateToken()
                ? new TokenChange(order.tokenName(), "hard decline on order " + order.orderId() + ": " + reply.describe())
                : null;
        return new Settle(result, outcome, orderChange, tokenChange);
    }
}
