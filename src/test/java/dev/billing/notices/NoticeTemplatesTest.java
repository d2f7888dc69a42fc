package dev.billing.notices;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The notices' texts, the policy of who gets one, and the unsubscribe signature. Pure. */
class NoticeTemplatesTest {

    private static Map<String, Object> model(NoticeKind kind) {
        Map<String, Object> model = new HashMap<>();
        model.put("kind", kind.name());
        model.put("merchant", "Shop <Example>");
        model.put("orderId", "ORD-7");
        model.put("amount", "125.50 AED");
        model.put("nextAttemptOn", "4 December 2026");
        model.put("card", "1111");
        model.put("cardExpiry", "12/26");
        model.put("link", "https://pay.example/enrol?customer_id=C&replaces=t&sig=ab");
        model.put("linkExpires", "10 December 2026");
        model.put("unsubscribe", "https://pay.example/notices/unsubscribe?customer_id=C&sig=cd");
        return model;
    }

    @ParameterizedTest
    @EnumSource(NoticeKind.class)
    void everyKindHasASubjectBothPartsAndItsLinksInBothLanguages(NoticeKind kind) {
        NoticeTemplates templates = new NoticeTemplates(null);
        NoticeTemplates.Rendered en = templates.render("en", model(kind));
        NoticeTemplates.Rendered ar = templates.render("ar", model(kind));
        for (NoticeTemplates.Rendered r : new NoticeTemplates.Rendered[] {en, ar}) {
            assertThat(r.subject()).isNotBlank().doesNotContain("<").doesNotContain("[[");
            assertThat(r.text()).contains("https://pay.example/enrol?customer_id=C&replaces=t&sig=ab")
                    .contains("https://pay.example/notices/unsubscribe?customer_id=C&sig=cd").contains("1111").doesNotContain("th:").doesNotContain("[(");
            assertThat(r.html()).contains("href=\"https://pay.example/enrol?customer_id=C&amp;replaces=t&amp;sig=ab\"")
                    .contains("Shop &lt;Example&gt;").doesNotContain("th:text").doesNotContain("th:case").doesNotContain("xmlns:th");
        }
        assertThat(en.html()).contains("dir=\"ltr\"");
        assertThat(ar.html()).contains("lang=\"ar\"").contains("dir=\"rtl\"");
        assertThat(en.subject()).isNotEqualTo(ar.subject());
    }

    @Test
    void eachKindSaysItsOwnThing() {
        NoticeTemplates templates = new NoticeTemplates(null);
        assertThat(templates.render("en", model(NoticeKind.SOFT_DECLINE)).text()).contains("We will try again on 4 December 2026");
        assertThat(templates.render("en", model(NoticeKind.FINAL_DECLINE)).text()).contains("we will not try that card again");
        assertThat(templates.render("en", model(NoticeKind.TOKEN_INVALID)).subject()).isEqualTo("Your card was refused");
        assertThat(templates.render("en", model(NoticeKind.CARD_EXPIRING)).text()).contains("expires at the end of 12/26");
        assertThat(templates.render("fr", model(NoticeKind.CARD_EXPIRING)).subject()).as("an unknown language is English")
                .isEqualTo("Your card expires soon");
    }

    @Test
    void aMerchantsTemplateReplacesTheEnginesOneOfTheSameName(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notice_en.txt"), "Dear customer of [(${merchant})], please update: [(${link})]\n",
                StandardCharsets.UTF_8);
        NoticeTemplates.Rendered en = new NoticeTemplates(dir).render("en", model(NoticeKind.SOFT_DECLINE));
        assertThat(en.text()).isEqualTo("Dear customer of Shop <Example>, please update: https://pay.example/enrol?customer_id=C&replaces=t&sig=ab\n");
        assertThat(en.subject()).as("the engine's HTML still").isEqualTo("Your payment for order ORD-7 did not go through");
        assertThat(new NoticeTemplates(dir).render("ar", model(NoticeKind.SOFT_DECLINE)).text()).contains("سنحاول مرة أخرى");
    }

    @Test
    void atMostOnePerIntervalAndNeverToACustomerWhoOptedOut() {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");
        Duration day = Duration.ofDays(1);
        assertThat(NoticePolicy.skipReason(now, day, null, null)).isNull();
        assertThat(NoticePolicy.skipReason(now, day, now.minus(Duration.ofHours(25)), null)).isNull();
        assertThat(NoticePolicy.skipReason(now, day, now.minus(Duration.ofHours(23)), null))
                .isEqualTo("a notice went to this customer at 2026-12-02T11:00:00Z (at most one per PT24H)");
        assertThat(NoticePolicy.skipReason(now, Duration.ZERO, now, now.minusSeconds(5))).startsWith("the customer unsubscribed at ");
    }

    @Test
    void theUnsubscribeLinkIsSignedForItsCustomerOnly() {
        NoticeLinks links = new NoticeLinks("s3cret-s3cret-s3cret", "https://pay.example/", "https://shop.example/", Duration.ofDays(7));
        String url = links.unsubscribe("C-1");
        assertThat(url).startsWith("https://pay.example/notices/unsubscribe?customer_id=C-1&sig=");
        String sig = url.substring(url.indexOf("&sig=") + 5);
        assertThat(NoticeLinks.unsubscribeSigned("s3cret-s3cret-s3cret", "C-1", sig)).isTrue();
        assertThat(NoticeLinks.unsubscribeSigned("s3cret-s3cret-s3cret", "C-2", sig)).isFalse();
        assertThat(NoticeLinks.unsubscribeSigned("another-secret-here", "C-1", sig)).isFalse();
        assertThat(NoticeLinks.unsubscribeSigned("s3cret-s3cret-s3cret", "C-1", null)).isFalse();
    }
}
