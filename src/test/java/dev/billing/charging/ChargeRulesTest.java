package dev.billing.charging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.gateway.OutcomeClass;
import dev.billing.ledger.AttemptState;
import dev.billing.ledger.OrderStatus;
import dev.billing.ledger.RetrySchedule;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The retry schedule and the state transitions of a charge outcome, without a database. */
class ChargeRulesTest {

    private static final LocalDate D = LocalDate.of(2026, 11, 27);
    private static final RetrySchedule DEFAULT = RetrySchedule.parse("1d,3d,7d");

    @ParameterizedTest(name = "after attempt {0} the next is on {1}")
    @CsvSource(nullValues = "-", value = {"1,2026-11-28", "2,2026-11-30", "3,2026-12-04", "4,-"})
    void theDefaultScheduleGivesFourAttempts(int attempt, LocalDate next) {
        assertThat(DEFAULT.nextAttempt(attempt, D).orElse(null)).isEqualTo(next);
        assertThat(DEFAULT.maxAttempts()).isEqualTo(4);
    }

    @Test
    void schedulesParseAndRefuseNonsense() {
        assertThat(RetrySchedule.parse("2w").nextAttempt(1, D)).contains(D.plusWeeks(2));
        assertThat(RetrySchedule.parse("").maxAttempts()).isEqualTo(1);
        assertThatThrownBy(() -> RetrySchedule.parse("1h")).hasMessageContaining("1d,3d,7d");
        assertThatThrownBy(() -> RetrySchedule.parse("0d")).hasMessageContaining("at least one day");
    }

    @ParameterizedTest(name = "{0} after {1} soft declines: attempt {2}, order {3}, next {4}, token invalid {5}, stops {6}")
    @CsvSource(nullValues = "-", value = {
        "SUCCESS,0,SUCCEEDED,PAID,-,false,false",
        "SOFT_DECLINE,0,DECLINED,-,2026-11-28,false,false",
        "SOFT_DECLINE,2,DECLINED,-,2026-12-04,false,false",
        "SOFT_DECLINE,3,DECLINED,PAYMENT_FAILED,-,false,false",
        "HARD_DECLINE,0,FAILED,PAYMENT_FAILED,-,true,false",
        "REJECTED,0,FAILED,PAYMENT_FAILED,-,false,false",
        "CONFIG_ERROR,0,UNKNOWN,-,-,false,true",
        "UNKNOWN,0,UNKNOWN,-,-,false,false",
        "DUPLICATE_REFERENCE,1,UNKNOWN,-,-,false,false"
    })
    void transitions(OutcomeClass outcome, int softDeclinesBefore, AttemptState attemptState, OrderStatus orderStatus, LocalDate next,
                     boolean invalidToken, boolean stops) {
        ChargeOutcome o = ChargeOutcome.of(outcome, softDeclinesBefore, D, DEFAULT, "13666 Transaction declined");
        assertThat(o.attemptState()).isEqualTo(attemptState);
        assertThat(o.orderStatus()).isEqualTo(orderStatus);
        assertThat(o.nextAttemptOn()).isEqualTo(next);
        assertThat(o.invalidateToken()).isEqualTo(invalidToken);
        assertThat(o.stopsTheRun()).isEqualTo(stops);
    }

    @Test
    void aReopenedOrderCountsItsDeclinesAfreshWhateverItsAttemptNumber() {
        // attempt 5 of an order reopened after four declines: its first decline since, so the first wait of the schedule
        ChargeOutcome o = ChargeOutcome.of(OutcomeClass.SOFT_DECLINE, 0, D, DEFAULT, "13666");
        assertThat(o.nextAttemptOn()).isEqualTo(D.plusDays(1));
        assertThat(o.softDeclines()).isEqualTo(1);
        assertThat(o.orderStatus()).isNull();
    }

    @Test
    void aRejectedRequestFailsTheOrderAloneWithTheGatewaysReason() {
        ChargeOutcome o = ChargeOutcome.of(OutcomeClass.REJECTED, 0, D, DEFAULT, "00005 Invalid amount");
        assertThat(o.failureReason()).contains("00005 Invalid amount");
        assertThat(o.invalidateToken()).isFalse();
        assertThat(o.stopsTheRun()).isFalse();
    }
}
