package dev.billing.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One case (at least) per row of the response-code table, and every row is reached by some case. */
class ResponseCodesTest {

    private static final Set<ResponseCodes.Rule> REACHED = new HashSet<>();

    @ParameterizedTest(name = "{0} {1} acquirer {2} -> {3}")
    @CsvSource(nullValues = "-", value = {
        "PURCHASE,14000,-,SUCCESS",
        "AUTHORIZATION,02000,-,SUCCESS",
        "REFUND,06000,-,SUCCESS",
        "VOID_AUTHORIZATION,08000,-,SUCCESS",
        "CHECK_STATUS,12000,-,SUCCESS",
        "UPDATE_TOKEN,58000,-,SUCCESS",
        "UPDATE_TOKEN,59044,-,HARD_DECLINE",
        "UPDATE_TOKEN,59003,-,REJECTED",
        "UPDATE_TOKEN,59006,-,UNKNOWN",
        "PURCHASE,58000,-,UNKNOWN",
        "REFUND,14000,-,UNKNOWN",
        "PURCHASE,00007,-,DUPLICATE_REFERENCE",
        "PURCHASE,00066,-,DUPLICATE_REFERENCE",
        "PURCHASE,20064,-,HARD_DECLINE",
        "PURCHASE,15777,-,UNKNOWN",
        "PURCHASE,19784,-,UNKNOWN",
        "PURCHASE,20662,-,UNKNOWN",
        "PURCHASE,10000,-,UNKNOWN",
        "PURCHASE,40090,-,UNKNOWN",
        "PURCHASE,01000,-,UNKNOWN",
        "PURCHASE,00006,-,UNKNOWN",
        "REFUND,07006,-,UNKNOWN",
        "PURCHASE,13051,-,UNKNOWN",
        "PURCHASE,13777,-,UNKNOWN",
        "PURCHASE,00008,-,CONFIG_ERROR",
        "PURCHASE,00010,-,CONFIG_ERROR",
        "PURCHASE,00009,-,CONFIG_ERROR",
        "PURCHASE,00004,-,CONFIG_ERROR",
        "PURCHASE,00017,-,CONFIG_ERROR",
        "PURCHASE,00038,-,CONFIG_ERROR",
        "PURCHASE,00001,-,REJECTED",
        "PURCHASE,00005,-,REJECTED",
        "PURCHASE,13013,-,REJECTED",
        "REFUND,00032,-,REJECTED",
        "PURCHASE,13012,-,HARD_DECLINE",
        "PURCHASE,00044,-,HARD_DECLINE",
        "PURCHASE,13088,-,HARD_DECLINE",
        "PURCHASE,13785,-,HARD_DECLINE",
        "PURCHASE,13666,41,HARD_DECLINE",
        "PURCHASE,13666,54,HARD_DECLINE",
        "AUTHORIZATION,03666,43,HARD_DECLINE",
        "PURCHASE,13666,51,SOFT_DECLINE",
        "PURCHASE,13666,05,SOFT_DECLINE",
        "PURCHASE,13666,-,SOFT_DECLINE",
        "PURCHASE,13029,-,SOFT_DECLINE",
        "PURCHASE,13054,-,SOFT_DECLINE",
        "CHECK_STATUS,11000,-,UNKNOWN",
        "REFUND,07048,-,SOFT_DECLINE",
        "VOID_AUTHORIZATION,09047,-,SOFT_DECLINE",
        "PURCHASE,00036,-,CONFIG_ERROR",
        "PURCHASE,99999,-,UNKNOWN",
        "PURCHASE,-,-,UNKNOWN",
        "PURCHASE,14abc,-,UNKNOWN"
    })
    void classifies(ApsCommand command, String code, String acquirer, OutcomeClass expected) {
        assertThat(ResponseCodes.classify(command, code, acquirer)).isEqualTo(expected);
        ResponseCodes.Rule rule = ResponseCodes.ruleFor(command, code, acquirer);
        if (rule != null) {
            REACHED.add(rule);
        }
    }

    @AfterAll
    static void everyRowIsTested() {
        assertThat(REACHED).containsExactlyInAnyOrderElementsOf(ResponseCodes.TABLE);
    }
}
