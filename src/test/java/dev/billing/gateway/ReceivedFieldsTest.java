package dev.billing.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a receiver of signed fields checks beyond the signature, rule by rule. */
class ReceivedFieldsTest {

    private static final GatewayProperties OWN = new GatewayProperties(null, "OwnAccess01", "OWNMERCHANT", "rq", "rs", "SHA-256", "en",
            Duration.ofSeconds(5), Duration.ofSeconds(2), 4, 0, null, null);

    private static Map<String, String> purchase() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("access_code", "OwnAccess01");
        f.put("merchant_identifier", "OWNMERCHANT");
        f.put("merchant_reference", "CH-O-1-1");
        f.put("amount", "1234");
        f.put("currency", "AED");
        f.put("response_code", "14000");
        f.put("status", "14");
        f.put("fort_id", "169000000000099001");
        return f;
    }

    private static Map<String, String> with(String name, String value) {
        Map<String, String> f = purchase();
        if (value == null) {
            f.remove(name);
        } else {
            f.put(name, value);
        }
        return f;
    }

    @Test
    void theAccountFieldsMustBeThereAndTheEnginesOwn() {
        assertThat(ReceivedFields.accountRefusal(purchase(), OWN)).isNull();
        assertThat(ReceivedFields.accountRefusal(with("access_code", "OwnAccess01amount=99999"), OWN)).contains("access_code");
        assertThat(ReceivedFields.accountRefusal(with("access_code", null), OWN)).isEqualTo("it has no access_code");
        assertThat(ReceivedFields.accountRefusal(with("merchant_identifier", "OTHER"), OWN)).contains("merchant_identifier");
        assertThat(ReceivedFields.accountRefusal(with("merchant_identifier", null), OWN)).isEqualTo("it has no merchant_identifier");
    }

    @Test
    void aPaymentOrARefundNeedsEveryFieldASettlementActsOnInItsFormat() {
        for (ApsCommand command : new ApsCommand[] {ApsCommand.PURCHASE, ApsCommand.AUTHORIZATION, ApsCommand.REFUND}) {
            assertThat(ReceivedFields.settlementRefusal(command, purchase())).as(command.name()).isNull();
            for (String field : new String[] {"merchant_reference", "amount", "currency", "response_code", "status", "fort_id"}) {
                assertThat(ReceivedFields.settlementRefusal(command, with(field, null))).as(command + " without " + field)
                        .isEqualTo("it has no " + field);
            }
        }
        Map<String, String> formats = Map.of("amount", "12.34", "currency", "aed", "response_code", "1400", "status", "1",
                "fort_id", "16x", "merchant_reference", "CH O 1");
        formats.forEach((field, bad) -> assertThat(ReceivedFields.settlementRefusal(ApsCommand.PURCHASE, with(field, bad)))
                .as(field + " " + bad).isEqualTo("its " + field + " is not in its format"));
        assertThat(ReceivedFields.settlementRefusal(ApsCommand.PURCHASE, with("status", "13")))
                .isEqualTo("its response_code does not begin with its status");
    }

    @Test
    void aVoidNeedsNoAmountAndATokenUpdateItsTokenName() {
        Map<String, String> voided = with("amount", null);
        voided.remove("currency");
        voided.put("response_code", "08000");
        voided.put("status", "08");
        assertThat(ReceivedFields.settlementRefusal(ApsCommand.VOID_AUTHORIZATION, voided)).isNull();
        voided.put("amount", "1,00");
        assertThat(ReceivedFields.settlementRefusal(ApsCommand.VOID_AUTHORIZATION, voided)).isEqualTo("its amount is not in its format");

        Map<String, String> token = new LinkedHashMap<>();
        token.put("merchant_reference", "TD-7-1");
        token.put("response_code", "58000");
        token.put("status", "58");
        assertThat(ReceivedFields.settlementRefusal(ApsCommand.UPDATE_TOKEN, token)).isEqualTo("it has no token_name");
        token.put("token_name", "tok-1");
        assertThat(ReceivedFields.settlementRefusal(ApsCommand.UPDATE_TOKEN, token)).isNull();
        assertThat(ReceivedFields.settlementRefusal(ApsCommand.CHECK_STATUS, token)).isEqualTo("a status check is never notified");
    }
}
