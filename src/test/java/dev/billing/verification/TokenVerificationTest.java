package dev.billing.verification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.gateway.OutcomeClass;
import dev.billing.ledger.AttemptState;
import dev.billing.ledger.TokenStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenVerificationTest {

    @ParameterizedTest(name = "{0} on attempt {1} of 3: token {2}, ledger row {3}")
    @CsvSource({
        "SUCCESS,1,VERIFIED,SUCCEEDED",
        "SOFT_DECLINE,1,NEW,DECLINED",
        "SOFT_DECLINE,2,NEW,DECLINED",
        "SOFT_DECLINE,3,INVALID,DECLINED",
        "HARD_DECLINE,1,INVALID,FAILED",
        "UNKNOWN,1,VERIFYING,UNKNOWN",
        "DUPLICATE_REFERENCE,1,VERIFYING,UNKNOWN",
        "CONFIG_ERROR,1,VERIFYING,UNKNOWN",
        "REJECTED,1,INVALID,FAILED"
    })
    void transitions(OutcomeClass outcome, int attempt, TokenStatus token, String row) {
        assertThat(TokenVerification.tokenStatusAfter(outcome, attempt, 3)).isEqualTo(token);
        assertThat(AttemptState.after(outcome)).isEqualTo(AttemptState.valueOf(row));
    }

    @ParameterizedTest(name = "{0}: charge {1}, reversal {2}")
    @CsvSource({"PURCHASE_REFUND,VC-42-1,VR-42-1-2", "AUTHORIZE_VOID,VA-42-1,VV-42-1-2"})
    void referencesAreDerivedFromTheTokenAndTheAttempts(VerificationMode mode, String charge, String reversal) {
        assertThat(mode.chargeReference(42, 1)).isEqualTo(charge);
        assertThat(mode.reversalReference(charge, 2)).isEqualTo(reversal);
    }
}
