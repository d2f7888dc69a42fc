package dev.billing.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.billing.BillingEngineApplication;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsSignature;
import dev.billing.gateway.GatewayProperties;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The enrolment handlers, each refusal and the one-time return, without a browser (MockMvc). */
@Tag("database")
@SpringBootTest(classes = BillingEngineApplication.class, properties = {
    "spring.main.web-application-type=servlet",
    "billing.enrolment.secret=handler-test-secret-0123"
})
@AutoConfigureMockMvc
@ActiveProfiles("test")
class EnrolmentHandlerFunctionalTests {

    private static final String SECRET = "handler-test-secret-0123";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcTemplate jdbc;

    GatewayProperties gateway;

    @Autowired
    void credentials(GatewayProperties configured) {
        gateway = configured.effective();
    }

    @BeforeEach
    void reset() {
        new Fixtures(jdbc).reset();
        jdbc.execute("TRUNCATE enrolments");
    }

    private MockHttpServletResponse enrol(long expires, boolean tamper) throws Exception {
        EnrolLinks.Link link = new EnrolLinks.Link("C-7", "c7@example.com", "https://shop.example/done", expires);
        String query = link.query(SECRET);
        if (tamper) {
            query = query.replace("customer_id=C-7", "customer_id=C-8");
        }
        return mvc.perform(get(java.net.URI.create("/enrol?" + query))).andReturn().getResponse();
    }

    private String issuedReference() throws Exception {
        MockHttpServletResponse page = enrol(Instant.now().getEpochSecond() + 600, false);
        assertThat(page.getStatus()).isEqualTo(200);
        return jdbc.queryForObject("SELECT merchant_reference FROM enrolments", String.class);
    }

    private Map<String, String> result(String reference, String code, String tokenName) {
        return signedReturn(gateway, reference, code, tokenName);
    }

    /** The hosted page's answer to {@code reference}, as account {@code signer}'s page sends it back, signed; no token when null. */
    static Map<String, String> signedReturn(GatewayProperties signer, String reference, String code, String tokenName) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("service_command", "TOKENIZATION");
        f.put("access_code", signer.accessCode());
        f.put("merchant_identifier", signer.merchantIdentifier());
        f.put("merchant_reference", reference);
        f.put("language", "en");
        f.put("status", code.substring(0, 2));
        f.put("response_code", code);
        f.put("response_message", code.equals("18000") ? "Success" : "Transaction declined");
        f.put("card_number", "411111******1111");
        f.put("expiry_date", "3012");
        if (tokenName != null) {
            f.put("token_name", tokenName);
        }
        f.put("signature", new ApsSignature(signer.signature()).sign(f, signer.responsePhrase()));
        return f;
    }

    private MockHttpServletResponse returned(Map<String, String> fields) throws Exception {
        MockHttpServletRequestBuilder request = post("/aps/return");
        fields.forEach((k, v) -> request.param(k, v));
        return mvc.perform(request).andReturn().getResponse();
    }

    private long tokens() {
        return jdbc.queryForObject("SELECT count(*) FROM tokens", Long.class);
    }

    @Test
    void aGoodLinkShowsTheGatewayFormWithStrictHeadersAndRecordsItsReference() throws Exception {
        MockHttpServletResponse page = enrol(Instant.now().getEpochSecond() + 600, false);

        assertThat(page.getStatus()).isEqualTo(200);
        String reference = jdbc.queryForObject("SELECT merchant_reference || ' ' || state || ' ' || customer_id FROM enrolments", String.class);
        assertThat(reference).matches("EN-[0-9a-f]{24} ISSUED C-7");
        assertThat(page.getContentAsString()).contains("action=\"http://127.0.0.1:").contains("/FortAPI/paymentPage\"")
                .contains("name=\"service_command\" value=\"TOKENIZATION\"").contains("value=\"" + reference.substring(0, reference.indexOf(' ')) + "\"")
                .contains("name=\"return_url\" value=\"http://127.0.0.1:80/aps/return\"").doesNotContain(gateway.requestPhrase())
                .as("only the gateway's signed fields go to its page").doesNotContain("_csrf");
        assertThat(page.getHeader("Content-Security-Policy")).startsWith("default-src 'none'; script-src 'nonce-")
                .contains("form-action 'self' http://127.0.0.1:").contains("frame-ancestors 'none'");
        assertThat(page.getHeader("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.getHeader("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void theReturnAddressIsTheEnginesOwnWhateverHostTheVisitorNames() throws Exception {
        EnrolLinks.Link link = new EnrolLinks.Link("C-7", "c7@example.com", "https://shop.example/done", Instant.now().getEpochSecond() + 600);

        MockHttpServletResponse page = mvc.perform(get(java.net.URI.create("/enrol?" + link.query(SECRET))).header("Host", "evil.example")
                .header("X-Forwarded-Host", "evil.example")).andReturn().getResponse();

        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(page.getContentAsString()).contains("name=\"return_url\" value=\"http://127.0.0.1:80/aps/return\"")
                .doesNotContain("evil.example");
    }

    @Test
    void openingALinkAgainReusesItsReferenceUntilItsEnrolmentIsUsed() throws Exception {
        EnrolLinks.Link link = new EnrolLinks.Link("C-7", "c7@example.com", "https://shop.example/done", Instant.now().getEpochSecond() + 600);
        for (int i = 0; i < 3; i++) {
            assertThat(mvc.perform(get(java.net.URI.create("/enrol?" + link.query(SECRET)))).andReturn().getResponse().getStatus()).isEqualTo(200);
        }
        List<String> issued = jdbc.queryForList("SELECT merchant_reference FROM enrolments", String.class);
        assertThat(issued).hasSize(1);

        assertThat(returned(result(issued.get(0), "18000", "tok-reused-1")).getStatus()).isEqualTo(200);
        assertThat(mvc.perform(get(java.net.URI.create("/enrol?" + link.query(SECRET)))).andReturn().getResponse().getStatus()).isEqualTo(200);

        assertThat(jdbc.queryForList("SELECT state FROM enrolments ORDER BY created_at", String.class))
                .as("a used enrolment is never issued again: the link's next opening is a new one").containsExactly("USED", "ISSUED");
    }

    @Test
    void aSignedReturnOfAnotherAccountIsRefused() throws Exception {
        String reference = issuedReference();
        Map<String, String> fields = result(reference, "18000", "tok-other-account");
        fields.remove("signature");
        fields.put("access_code", "AnotherAccount0001");
        fields.put("signature", new ApsSignature(gateway.signature()).sign(fields, gateway.responsePhrase()));

        assertThat(returned(fields).getStatus()).isEqualTo(400);
        assertThat(tokens()).isZero();
        assertThat(jdbc.queryForObject("SELECT state FROM enrolments", String.class)).isEqualTo("ISSUED");
    }

    @Test
    void anExpiredOrTamperedLinkIsRefusedAndCreatesNothing() throws Exception {
        MockHttpServletResponse expired = enrol(Instant.now().getEpochSecond() - 1, false);
        MockHttpServletResponse tampered = enrol(Instant.now().getEpochSecond() + 600, true);
        MockHttpServletResponse incomplete = mvc.perform(get("/enrol?customer_id=C-7")).andReturn().getResponse();

        assertThat(expired.getStatus()).isEqualTo(403);
        assertThat(expired.getContentAsString()).contains("This link has expired. Ask the merchant for a new link.");
        assertThat(tampered.getStatus()).isEqualTo(403);
        assertThat(tampered.getContentAsString()).contains("This link is not signed by the merchant.");
        assertThat(incomplete.getStatus()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM enrolments", Long.class)).isZero();
    }

    @Test
    void aSignedSuccessStoresTheTokenOnceAndAReplayIsRefused() throws Exception {
        String reference = issuedReference();

        MockHttpServletResponse first = returned(result(reference, "18000", "tok-enrolled-1"));
        MockHttpServletResponse replay = returned(result(reference, "18000", "tok-enrolled-2"));

        assertThat(first.getStatus()).isEqualTo(200);
        assertThat(first.getContentAsString()).contains("Your card is saved").contains("411111******1111")
                .contains("href=\"https://shop.example/done\"");
        assertThat(replay.getStatus()).isEqualTo(409);
        assertThat(jdbc.queryForList("""
                SELECT token_name || ' ' || status || ' ' || customer_id || ' ' || customer_email || ' ' || card_mask || ' '
                       || card_expiry || ' ' || agreement_id FROM tokens""", String.class))
                .containsExactly("tok-enrolled-1 NEW C-7 c7@example.com 411111******1111 12/30 AGR-" + reference);
    }

    @Test
    void aBadSignatureOrAnUnknownReferenceStoresNothing() throws Exception {
        String reference = issuedReference();
        Map<String, String> forged = result(reference, "18000", "tok-forged");
        forged.put("token_name", "tok-other");

        assertThat(returned(forged).getStatus()).isEqualTo(400);
        assertThat(returned(result("EN-000000000000000000000000", "18000", "tok-x")).getStatus()).isEqualTo(409);
        assertThat(tokens()).isZero();
        assertThat(jdbc.queryForObject("SELECT state FROM enrolments", String.class)).as("still usable by the real return").isEqualTo("ISSUED");
    }

    @Test
    void aDeclinedTokenizationShowsTheGatewaysMessageAndAWayToTryAgain() throws Exception {
        String reference = issuedReference();

        MockHttpServletResponse declined = returned(result(reference, "17666", null));

        assertThat(declined.getStatus()).isEqualTo(200);
        assertThat(declined.getContentAsString()).contains("Your card was not saved").contains("Transaction declined")
                .contains("href=\"/enrol?customer_id=C-7&amp;");
        assertThat(tokens()).isZero();
    }

    @Test
    void twoReturnsAtOnceForOneReferenceStoreOneToken() throws Exception {
        for (int round = 0; round < 10; round++) {
            reset();
            String reference = issuedReference();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String token = "tok-race-" + round + "-" + i;
                statuses.add(pool.submit(() -> {
                    start.await();
                    return returned(result(reference, "18000", token)).getStatus();
                }));
            }
            start.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : statuses) {
                codes.add(f.get());
            }
            pool.shutdown();
            assertThat(codes).containsExactlyInAnyOrder(200, 409);
            assertThat(tokens()).isOne();
        }
    }
}
