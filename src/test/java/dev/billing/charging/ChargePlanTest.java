package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.gateway.ApsCommand;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.ledger.AttemptState;
import dev.billing.ledger.OrderStatus;
import dev.billing.ledger.RetrySchedule;
import dev.billing.ledger.TokenStatus;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What recording charge results does to each ledger row, order and token, for every outcome class, without a database. */
class ChargePlanTest {

    private static final LocalDate D = LocalDate.of(2026, 11, 27);
    private static final RetrySchedule SCHEDULE = RetrySchedule.parse("1d,3d,7d");

    private static DueOrder order(String id, int softDeclines) {
        return new DueOrder(7, id, "tok-" + id, TokenStatus.VERIFIED, "c@example.com", Money.ofMinor(1250, CurrencyUnit.require("AED")), 2,
                softDeclines, "AGR-1");
    }

    private static ChargeResult sent(DueOrder order, OutcomeClass outcome, String code) {
        return ChargeResult.sent(order, new GatewayReply(ApsCommand.PURCHASE, order.reference(), outcome, code, "message " + code,
                outcome.isFinal() ? "169" : null, null, null, null, Map.of()));
    }

    private static ChargePlan.Settle settleOf(ChargeResult result) {
        ChargePlan plan = ChargePlan.of(List.of(result), D, SCHEDULE);
        assertThat(plan.withdrawn()).isEmpty();
        assertThat(plan.holds()).isEmpty();
        return plan.settles().get(0);
    }

    @Test
    void aSuccessSettlesTheRowAsSucceededAndPaysTheOrder() {
        ChargePlan.Settle settle = settleOf(sent(order("O-1", 1), OutcomeClass.SUCCESS, "14000"));

        assertThat(settle.outcome().attemptState()).isEqualTo(AttemptState.SUCCEEDED);
        assertThat(settle.order()).isEqualTo(new ChargePlan.OrderChange("O-1", OrderStatus.PAID, 2, null, null, 1, true));
        assertThat(settle.token()).isNull();
    }

    @Test
    void aSoftDeclineWithARetryLeftSchedulesItAndTheLastOneFailsTheOrder() {
        ChargePlan.Settle retried = settleOf(sent(order("O-1", 0), OutcomeClass.SOFT_DECLINE, "13666"));
        ChargePlan.Settle last = settleOf(sent(order("O-2", 3), OutcomeClass.SOFT_DECLINE, "13666"));

        assertThat(retried.outcome().attemptState()).isEqualTo(AttemptState.DECLINED);
        assertThat(retried.order()).isEqualTo(new ChargePlan.OrderChange("O-1", null, 2, D.plusDays(1), null, 1, false));
        assertThat(last.order().status()).isEqualTo(OrderStatus.PAYMENT_FAILED);
        assertThat(last.order().nextAttemptOn()).isNull();
        assertThat(last.order().failureReason()).startsWith("declined 4 times, last: ");
        assertThat(last.order().softDeclines()).isEqualTo(4);
        assertThat(retried.token()).isNull();
        assertThat(last.token()).isNull();
    }

    @Test
    void aHardDeclineFailsTheOrderAndInvalidatesTheToken() {
        ChargePlan.Settle settle = settleOf(sent(order("O-1", 1), OutcomeClass.HARD_DECLINE, "13012"));

        assertThat(settle.outcome().attemptState()).isEqualTo(AttemptState.FAILED);
        assertThat(settle.order().status()).isEqualTo(OrderStatus.PAYMENT_FAILED);
        assertThat(settle.order().failureReason()).startsWith("hard decline: ");
        assertThat(settle.order().paid()).isFalse();
        assertThat(settle.token()).isEqualTo(new ChargePlan.TokenChange("tok-O-1", "hard decline on order O-1: "
                + settle.reply().describe()));
    }

    @Test
    void aRejectedRequestFailsItsOrderAloneAndLeavesTheToken() {
        ChargePlan.Settle settle = settleOf(sent(order("O-1", 0), OutcomeClass.REJECTED, "00005"));

        assertThat(settle.outcome().attemptState()).isEqualTo(AttemptState.FAILED);
        assertThat(settle.order().status()).isEqualTo(OrderStatus.PAYMENT_FAILED);
        assertThat(settle.order().failureReason()).startsWith("the gateway refused the request for its data: ");
        assertThat(settle.token()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = OutcomeClass.class, names = {"UNKNOWN", "DUPLICATE_REFERENCE", "CONFIG_ERROR"})
    void anOutcomeThatIsNotFinalTouchesNeitherOrderNorToken(OutcomeClass outcome) {
        ChargePlan.Settle settle = settleOf(sent(order("O-1", 0), outcome, null));

        assertThat(settle.outcome().attemptState()).isEqualTo(AttemptState.after(outcome));
        assertThat(settle.order()).isNull();
        assertThat(settle.token()).isNull();
        assertThat(settle.outcome().stopsTheRun()).isEqualTo(outcome == OutcomeClass.CONFIG_ERROR);
    }

    @Test
    void everyOutcomeClassIsPlanned() {
        for (OutcomeClass outcome : OutcomeClass.values()) {
            ChargePlan.Settle settle = settleOf(sent(order("O-1", 0), outcome, "00000"));
            assertThat(settle.outcome().attemptState()).as(outcome.name()).isEqualTo(AttemptState.after(outcome));
            assertThat(settle.order() != null).as(outcome.name()).isEqualTo(outcome.isFinal());
        }
    }

    @Test
    void heldWithdrawnAndNotSentOrdersWriteNoOutcome() {
        DueOrder held = order("H-1", 0);
        DueOrder withdrawn = order("W-1", 0);
        DueOrder notSent = order("N-1", 0);

        ChargePlan plan = ChargePlan.of(List.of(ChargeResult.held(held, "token is NEW"), ChargeResult.withdrawn(withdrawn, "stopping"),
                ChargeResult.notSent(notSent, "token died meanwhile"), sent(order("O-1", 0), OutcomeClass.SUCCESS, "14000")), D, SCHEDULE);

        assertThat(plan.settles()).extracting(s -> s.due().orderId()).containsExactly("O-1");
        assertThat(plan.withdrawn()).containsExactly(withdrawn.reference(), notSent.reference());
        assertThat(plan.holds()).containsExactly(new ChargePlan.Hold("H-1", "tok-H-1", "token is NEW"),
                new ChargePlan.Hold("N-1", "tok-N-1", "token died meanwhile"));
    }
}
