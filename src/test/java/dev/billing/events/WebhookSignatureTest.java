package dev.billing.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Webhook signatures as the Standard Webhooks specification's reference libraries make and check them. */
class WebhookSignatureTest {

    @Test
    void theSpecificationsTestVectorIsReproduced() {
        WebhookSignature signature = new WebhookSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        assertThat(signature.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aSecretWithoutThePrefixIsUsedAsItsBytesAndOneOfSeveralSignaturesVerifies() {
        WebhookSignature plain = new WebhookSignature("a plain secret");
        String header = plain.sign("evt_1", 1700000000, "{}");
        assertThat(header).startsWith("v1,");
        // the same key written as whsec_<base64> signs the same
        String encoded = "whsec_" + Base64.getEncoder().encodeToString("a plain secret".getBytes(StandardCharsets.UTF_8));
        assertThat(new WebhookSignature(encoded).sign("evt_1", 1700000000, "{}")).isEqualTo(header);

        assertThat(plain.verifies("evt_1", 1700000000, "{}", "v1,bm9wZQ== " + header)).isTrue();
        assertThat(plain.verifies("evt_1", 1700000001, "{}", header)).isFalse();
        assertThat(plain.verifies("evt_2", 1700000000, "{}", header)).isFalse();
        assertThat(plain.verifies("evt_1", 1700000000, "{ }", header)).isFalse();
        assertThatThrownBy(() -> new WebhookSignature(" ")).hasMessageContaining("needs a secret");
    }

    @Test
    void eventIdsAreUniqueAndInTimeOrder() {
        java.time.Instant t = java.time.Instant.parse("2026-12-02T23:00:00Z");
        String first = Outbox.eventId(t);
        String later = Outbox.eventId(t.plusMillis(1));
        assertThat(first).matches("evt_[0-9a-f]{32}").hasSizeLessThanOrEqualTo(40);
        assertThat(first).isLessThan(later);
        assertThat(Outbox.eventId(t)).isNotEqualTo(first);
    }

    @Test
    void anEventsBodyKeepsItsValuesTypesAndWireNamesAreAsTheContractSays() {
        assertThat(EventJson.write(Map.of("n", 12L, "b", true, "s", "x\"y")))
                .contains("\"n\":12").contains("\"b\":true").contains("\"s\":\"x\\\"y\"");
        assertThat(EventType.CHARGE_SUCCEEDED.wire()).isEqualTo("charge.succeeded");
        assertThat(EventType.TOKEN_DEACTIVATED.wire()).isEqualTo("token.deactivated");
        assertThat(EventType.of("night.failed")).isEqualTo(EventType.NIGHT_FAILED);
        assertThatThrownBy(() -> EventType.of("charge.refunded")).hasMessageContaining("unknown event type charge.refunded");
    }
}
