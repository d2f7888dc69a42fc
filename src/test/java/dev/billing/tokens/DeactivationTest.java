package dev.billing.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.ledger.AttemptState;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Which deactivation a token gets on a night, from its latest attempt. Pure. */
class DeactivationTest {

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);

    private static Deactivation next(int lastAttempt, AttemptState state, LocalDate lastDate) {
        return new TokenDeactivations.Pending(42, "tok", lastAttempt, state, lastDate).next(NIGHT);
    }

    @Test
    void theFirstAttemptHasADeterministicReference() {
        assertThat(next(0, null, null)).isEqualTo(new Deactivation(42, "tok", 1, false));
        assertThat(next(0, null, null).reference()).isEqualTo("TD-42-1");
    }

    @Test
    void anOpenRowIsSentAgainWithItsOwnReference() {
        assertThat(next(3, AttemptState.PREPARED, NIGHT.minusDays(2))).isEqualTo(new Deactivation(42, "tok", 3, true));
        assertThat(next(3, AttemptState.UNKNOWN, NIGHT)).isEqualTo(new Deactivation(42, "tok", 3, true));
    }

    @Test
    void aRefusalIsTriedAgainTheNextNightNeverTheSameNight() {
        assertThat(next(1, AttemptState.FAILED, NIGHT)).isNull();
        assertThat(next(1, AttemptState.DECLINED, NIGHT)).isNull();
        assertThat(next(1, AttemptState.FAILED, NIGHT.minusDays(1))).isEqualTo(new Deactivation(42, "tok", 2, false));
        assertThat(next(2, AttemptState.DECLINED, NIGHT.minusDays(5))).isEqualTo(new Deactivation(42, "tok", 3, false));
    }

    @Test
    void aSuccessIsNeverSentAgain() {
        assertThat(next(1, AttemptState.SUCCEEDED, NIGHT.minusDays(3))).isNull();
        assertThat(next(1, AttemptState.SUCCEEDED, NIGHT)).isNull();
    }
}
