package dev.billing.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.billing.BillingEngineApplication;
import dev.billing.Fixtures;
import dev.billing.gateway.GatewayAccounts;
import dev.billing.gateway.GatewayProperties;
import java.time.Instant;
import java.util.Map;
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

/**
 * The hosted page with several accounts (issue 28): a new customer's card goes to {@code billing.enrolment.account}'s page,
 * signed with that account's tokenizing (e-commerce) identifier, and its token is recorded as that account's, charged
 * later with its recurring identifier; a card update goes to the page of the replaced card's account; a return signed
 * by another account, or by the account's recurring identifier, is never taken.
 */
@Tag("database")
@SpringBootTest(classes = BillingEngineApplication.class, properties = {
    "spring.main.web-application-type=servlet",
    "billing.enrolment.secret=account-test-secret-0123",
    "billing.enrolment.account=ksa",
    "billing.gateway.accounts.ksa.currencies=SAR",
    "billing.gateway.accounts.ksa.tokenization.merchant-identifier=KSAECOM",
    "billing.gateway.accounts.ksa.tokenization.access-code=KsaEcomAccess000001",
    "billing.gateway.accounts.ksa.tokenization.request-phrase=ksa-ecom-request",
    "billing.gateway.accounts.ksa.tokenization.response-phrase=ksa-ecom-response"
})
@AutoConfigureMockMvc
@ActiveProfiles("test")
class AccountEnrolmentFunctionalTests {

    private static final String SECRET = "account-test-secret-0123";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    GatewayAccounts accounts;

    @BeforeEach
    void reset() {
        new Fixtures(jdbc).reset();
        jdbc.execute("TRUNCATE enrolments");
    }

    private MockHttpServletResponse enrol(String replaces) throws Exception {
        EnrolLinks.Link link = new EnrolLinks.Link("C-7", "c7@example.com", replaces, "https://shop.example/done",
                Instant.now().getEpochSecond() + 600);
        return mvc.perform(get(java.net.URI.create("/enrol?" + link.query(SECRET)))).andReturn().getResponse();
    }

    private static Map<String, String> result(GatewayProperties signer, String reference, String tokenName) {
        return EnrolmentHandlerFunctionalTests.signedReturn(signer, reference, "18000", tokenName);
    }

    private MockHttpServletResponse returned(Map<String, String> fields) throws Exception {
        MockHttpServletRequestBuilder request = post("/aps/return");
        fields.forEach((k, v) -> request.param(k, v));
        return mvc.perform(request).andReturn().getResponse();
    }

    @Test
    void aNewCardGoesToTheEnrolmentAccountsPageAndItsTokenIsThatAccounts() throws Exception {
        GatewayProperties ksa = accounts.pageCredentials("ksa");
        GatewayProperties ksaRecurring = accounts.effective("ksa");
        GatewayProperties uae = accounts.effective(GatewayAccounts.DEFAULT);
        assertThat(ksa.merchantIdentifier()).isEqualTo("KSAECOM");

        MockHttpServletResponse page = enrol(null);

        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(page.getContentAsString()).contains("name=\"merchant_identifier\" value=\"KSAECOM\"")
                .contains("name=\"access_code\" value=\"KsaEcomAccess000001\"")
                .doesNotContain("value=\"" + uae.merchantIdentifier() + "\"").doesNotContain("value=\"" + ksaRecurring.merchantIdentifier() + "\"");
        String reference = jdbc.queryForObject("SELECT merchant_reference FROM enrolments WHERE account = 'ksa'", String.class);

        // signed by the default account (a valid signature of its own): not ksa's enrolment, never taken
        assertThat(returned(result(uae, reference, "tok-from-uae")).getStatus()).isEqualTo(409);
        // signed by ksa's recurring identifier: not the identifier of its page
        assertThat(returned(result(ksaRecurring, reference, "tok-from-recurring")).getStatus()).isEqualTo(400);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tokens", Long.class)).isZero();

        assertThat(returned(result(ksa, reference, "tok-new-ksa")).getStatus()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT account || ' ' || status FROM tokens WHERE token_name = 'tok-new-ksa'", String.class))
                .isEqualTo("ksa NEW");
    }

    @Test
    void aCardUpdateGoesToThePageOfTheReplacedCardsAccount() throws Exception {
        new Fixtures(jdbc).token("tok-old", "VERIFIED");
        jdbc.update("UPDATE tokens SET customer_id = 'C-7' WHERE token_name = 'tok-old'");
        GatewayProperties uae = accounts.effective(GatewayAccounts.DEFAULT);

        MockHttpServletResponse page = enrol("tok-old");

        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(page.getContentAsString()).contains("name=\"merchant_identifier\" value=\"" + uae.merchantIdentifier() + "\"");
        String action = page.getContentAsString().replaceAll("(?s).*action=\"(http://127\\.0\\.0\\.1:\\d+)/FortAPI/paymentPage\".*", "$1");
        assertThat(page.getHeader("Content-Security-Policy")).contains("form-action 'self' " + action + ";");
        assertThat(jdbc.queryForObject("SELECT account FROM enrolments", String.class)).isEqualTo(GatewayAccounts.DEFAULT);
    }
}
