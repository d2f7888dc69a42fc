package dev.billing.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The merchant's signed links: the contract's message, and every way a link is refused. Pure. */
class EnrolLinksTest {

    private static final String SECRET = "a-secret-of-the-merchant";
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final EnrolLinks.Link LINK = new EnrolLinks.Link("C-42", "jane@example.com", "https://shop.example/account",
            NOW.getEpochSecond() + 3600);

    @Test
    void theSignatureIsTheHmacOfTheFourFieldsInTheContractsOrder() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = java.util.HexFormat.of().formatHex(mac.doFinal(("customer_id=C-42&email=jane@example.com"
                + "&return_to=https://shop.example/account&expires=" + LINK.expires()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(EnrolLinks.signature(SECRET, LINK)).isEqualTo(expected);
        assertThat(LINK.query(SECRET)).isEqualTo("customer_id=C-42&email=jane%40example.com&return_to=https%3A%2F%2Fshop.example%2Faccount"
                + "&expires=" + LINK.expires() + "&sig=" + expected);
    }

    @Test
    void aGoodLinkPassesAndEveryChangeIsRefused() {
        String sig = EnrolLinks.signature(SECRET, LINK);
        assertThat(EnrolLinks.refusal(SECRET, LINK, sig, NOW)).isNull();
        assertThat(EnrolLinks.refusal(SECRET, LINK, sig.toUpperCase(java.util.Locale.ROOT), NOW)).isNull();
        assertThat(EnrolLinks.refusal(SECRET, new EnrolLinks.Link("C-43", LINK.email(), LINK.returnTo(), LINK.expires()), sig, NOW))
                .isEqualTo("this link is not signed by the merchant");
        assertThat(EnrolLinks.refusal(SECRET, new EnrolLinks.Link(LINK.customerId(), LINK.email(), LINK.returnTo(), LINK.expires() + 1),
                sig, NOW)).isEqualTo("this link is not signed by the merchant");
        assertThat(EnrolLinks.refusal("another-secret-entirely", LINK, sig, NOW)).isEqualTo("this link is not signed by the merchant");
        assertThat(EnrolLinks.refusal(SECRET, LINK, null, NOW)).isEqualTo("this link is not signed by the merchant");
        assertThat(EnrolLinks.refusal(SECRET, LINK, sig, NOW.plusSeconds(3601))).isEqualTo("this link has expired");
        EnrolLinks.Link script = new EnrolLinks.Link("C-42", "jane@example.com", "javascript:alert(1)", LINK.expires());
        assertThat(EnrolLinks.refusal(SECRET, script, EnrolLinks.signature(SECRET, script), NOW))
                .isEqualTo("this link's return address is not a web address");
    }

    @Test
    void aCardUpdateLinkSignsTheTokenItReplacesAfterTheEmail() {
        EnrolLinks.Link update = new EnrolLinks.Link("C-42", "jane@example.com", "tok-old", "https://shop.example/account", LINK.expires());
        assertThat(EnrolLinks.signature(SECRET, update)).isEqualTo(EnrolLinks.hmacHex(SECRET,
                "customer_id=C-42&email=jane@example.com&replaces=tok-old&return_to=https://shop.example/account&expires=" + LINK.expires()));
        assertThat(update.query(SECRET)).startsWith("customer_id=C-42&email=jane%40example.com&replaces=tok-old&return_to=");
        String sig = EnrolLinks.signature(SECRET, update);
        assertThat(EnrolLinks.refusal(SECRET, update, sig, NOW)).isNull();
        assertThat(EnrolLinks.refusal(SECRET, new EnrolLinks.Link("C-42", "jane@example.com", "tok-other", LINK.returnTo(), LINK.expires()),
                sig, NOW)).as("another token").isEqualTo("this link is not signed by the merchant");
        assertThat(EnrolLinks.refusal(SECRET, LINK, sig, NOW)).as("the token left out").isEqualTo("this link is not signed by the merchant");
        assertThat(EnrolLinks.refusal(SECRET, update, EnrolLinks.signature(SECRET, LINK), NOW)).as("a plain link's signature")
                .isEqualTo("this link is not signed by the merchant");
    }
}
