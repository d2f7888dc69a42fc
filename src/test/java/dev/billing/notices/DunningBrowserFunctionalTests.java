package dev.billing.notices;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import dev.billing.BillingEngineApplication;
import dev.billing.Fixtures;
import dev.billing.HeadlessChromium;
import dev.billing.console.OrderHistory;
import dev.billing.events.EventDispatcher;
import dev.billing.importing.ImportService;
import dev.billing.operations.JobRunner;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Dunning end to end, in a real browser (headless Chromium) against a real SMTP server (GreenMail) and a merchant's
 * webhook receiver: a soft decline sends the customer a notice; the customer opens its card-update link, enrols a new
 * card on the simulator's hosted page; the old token's open order moves to the new token; the next night charges it
 * once, with the new token, and deactivates the old token at the gateway; the merchant's endpoint received the
 * night's events, each with a signature the test verifies itself; the notice's unsubscribe link works (with CSRF).
 */
@Tag("database")
@SpringBootTest(classes = BillingEngineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.main.web-application-type=servlet",
    "billing.enrolment.secret=dunning-browser-secret-01"
})
@ActiveProfiles("test")
class DunningBrowserFunctionalTests {

    private static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final LocalDate D = LocalDate.of(2026, 11, 30);
    private static final String OLD = "insufficient-funds-dun"; // the simulator soft-declines this token's charges
    private static final Pattern LINK = Pattern.compile("http://[^\\s\"<>]+/enrol\\?[^\\s\"<>]+");
    private static final Pattern UNSUBSCRIBE = Pattern.compile("http://[^\\s\"<>]+/notices/unsubscribe\\?[^\\s\"<>]+");

    /** One webhook request as the merchant's endpoint got it. */
    record Hook(String id, String timestamp, String signature, String body) {
    }

    private static final GreenMail SMTP = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    private static final List<Hook> HOOKS = new CopyOnWriteArrayList<>();
    private static final HttpServer RECEIVER;
    private static WebDriver browser;
    private static int shot;

    static {
        SMTP.start();
        try {
            RECEIVER = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        RECEIVER.createContext("/hooks", exchange -> {
            try (exchange) {
                HOOKS.add(new Hook(exchange.getRequestHeaders().getFirst("webhook-id"), exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                        exchange.getRequestHeaders().getFirst("webhook-signature"),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(204, -1);
            }
        });
        RECEIVER.start();
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry registry) {
        // a list binds from one property source: the endpoint's every setting here
        registry.add("billing.events.endpoints[0].url", () -> "http://127.0.0.1:" + RECEIVER.getAddress().getPort() + "/hooks");
        registry.add("billing.events.endpoints[0].name", () -> "merchant");
        registry.add("billing.events.endpoints[0].types", () -> "*");
        registry.add("billing.events.endpoints[0].secret", () -> WEBHOOK_SECRET);
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP.getSmtp().getPort());
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    EventDispatcher events;
    @Autowired
    NoticeSender notices;
    @Autowired
    OrderHistory history;
    @Autowired
    ImportService imports;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = HeadlessChromium.start(null);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        RECEIVER.stop(0);
        SMTP.stop();
    }

    private void screenshot(String name) throws IOException {
        HeadlessChromium.screenshot(browser, String.format("dunning-%02d-%s", ++shot, name));
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @Test
    void aSoftDeclineBecomesANewCardAndOneChargeOnTheNextNight() throws Exception {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id, language)
                VALUES (?, 'C-DUN', 'dunning.customer@example.com', '400000******0002', '05/29', now(), 'VERIFIED', 'AGR-OLD', 'en')""", OLD);
        jdbc.update("INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status) VALUES ('O-DUN', 'C-DUN', ?, 12550, 'AED', 'SHIPPED')",
                OLD);

        // night 1: the charge is soft-declined; the customer is told, by e-mail
        assertThat(runner.run("nightly", D).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(jdbc.queryForObject("SELECT next_attempt_on FROM orders WHERE order_id = 'O-DUN'", java.sql.Date.class).toLocalDate())
                .isEqualTo(D.plusDays(1));
        events.deliverDue(Duration.ofSeconds(30));
        assertThat(notices.sendDue(Duration.ofSeconds(30)).sent()).isOne();
        MimeMessage[] mail = SMTP.getReceivedMessages();
        assertThat(mail).hasSize(1);
        assertThat(mail[0].getAllRecipients()[0].toString()).isEqualTo("dunning.customer@example.com");
        assertThat(mail[0].getSubject()).isEqualTo("Your payment for order O-DUN did not go through");
        String text = NoticesFunctionalTests.part(mail[0], "text/plain");
        Matcher link = LINK.matcher(text);
        assertThat(link.find()).as("a card-update link in the message").isTrue();
        assertThat(GreenMailUtil.getWholeMessage(mail[0]) + text).doesNotContain("400000******0002").doesNotContain("400000");

        // the customer opens the link and enrols a new card on the gateway's page
        browser.get(link.group());
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.name("card_number")));
        browser.findElement(By.name("card_holder_name")).sendKeys("Jane Doe");
        browser.findElement(By.name("card_number")).sendKeys("4111111111111111");
        browser.findElement(By.name("expiry_date")).sendKeys("3012");
        browser.findElement(By.name("card_security_code")).sendKeys("9731");
        screenshot("card-form");
        browser.findElement(By.id("pay")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("saved")));
        screenshot("saved");
        String fresh = jdbc.queryForObject("SELECT token_name FROM tokens WHERE customer_id = 'C-DUN' AND token_name <> ?", String.class, OLD);
        assertThat(jdbc.queryForObject("SELECT token_name FROM orders WHERE order_id = 'O-DUN'", String.class)).isEqualTo(fresh);
        assertThat(fixtures.tokenStatus(OLD)).isEqualTo("DELETED");
        assertThat(history.events("O-DUN", history.attempts("O-DUN"))).anySatisfy(e -> {
            assertThat(e.what()).isEqualTo("card replaced by the customer");
            assertThat(e.detail()).contains("moved from token " + OLD + " to " + fresh);
        });

        // the merchant's next file still names the replaced card: the order stays on the new one, nothing rejected
        assertThat(importOrder("orders-1.csv").rejected()).isZero();
        assertThat(jdbc.queryForObject("SELECT token_name FROM orders WHERE order_id = 'O-DUN'", String.class)).isEqualTo(fresh);

        // night 2: the new card is verified, the moved order charged once with it, the old token deactivated at the gateway
        assertThat(runner.run("nightly", D.plusDays(1)).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        List<Map<String, Object>> charges = jdbc.queryForList(
                "SELECT token_name, state FROM payment_attempts WHERE order_id = 'O-DUN' AND kind = 'CHARGE' ORDER BY attempt");
        assertThat(charges).extracting(r -> r.get("token_name") + " " + r.get("state")).containsExactly(OLD + " DECLINED", fresh + " SUCCEEDED");
        assertThat(fixtures.orderStatus("O-DUN")).isEqualTo("PAID");
        assertThat(fixtures.gatewaySuccessesPerOrder()).containsEntry("O-DUN", 1L);
        assertThat(fixtures.gatewayTokenStatus(OLD)).isEqualTo("INACTIVE");
        assertThat(fixtures.gatewayTokenStatus(fresh)).isEqualTo("ACTIVE");
        assertThat(importOrder("orders-2.csv").rejected()).as("a paid order's file row naming the replaced card is not a change").isZero();

        // the merchant heard of it all, each request signed as Standard Webhooks says
        events.deliverDue(Duration.ofSeconds(30));
        assertThat(HOOKS).extracting(h -> type(h.body())).contains("charge.declined", "charge.succeeded", "token.deactivated", "night.completed");
        for (Hook hook : HOOKS) {
            assertThat(hook.signature()).isEqualTo("v1," + sign(hook.id() + "." + hook.timestamp() + "." + hook.body()));
        }
        assertThat(HOOKS.stream().filter(h -> type(h.body()).equals("charge.succeeded")).findFirst().orElseThrow().body())
                .contains("\"order_id\":\"O-DUN\"").contains("\"token_name\":\"" + fresh + "\"");

        // and the notice's unsubscribe link stops further notices (a page that asks, then a POST with its CSRF token)
        Matcher unsubscribe = UNSUBSCRIBE.matcher(text);
        assertThat(unsubscribe.find()).isTrue();
        browser.get(unsubscribe.group());
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("unsubscribe")));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM notice_customers WHERE unsubscribed_at IS NOT NULL", Long.class))
                .as("opening the link changes nothing").isZero();
        browser.findElement(By.id("unsubscribe")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("done")));
        screenshot("unsubscribed");
        assertThat(jdbc.queryForObject("SELECT customer_id FROM notice_customers WHERE unsubscribed_at IS NOT NULL", String.class))
                .isEqualTo("C-DUN");
        browser.get(unsubscribe.group().replaceAll("sig=[0-9a-f]+", "sig=" + "0".repeat(64)));
        assertThat(browser.getPageSource()).contains("This link is not one the merchant sent");
    }

    private ImportService.ImportResult importOrder(String name) throws IOException {
        Path file = Files.createDirectories(Path.of("target/dunning")).resolve(name);
        Files.writeString(file, "order_id,customer_id,token_name,amount,currency,status,charge_on\nO-DUN,C-DUN," + OLD + ",125.50,AED,SHIPPED,\n");
        return imports.importFiles(null, file);
    }

    private static String type(String body) {
        Matcher m = Pattern.compile("\"type\":\"([a-z.]+)\"").matcher(body);
        return m.find() ? m.group(1) : "";
    }

    /** The Standard Webhooks signature, computed here from the specification, not with the engine's own class. */
    private static String sign(String content) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(WEBHOOK_SECRET.substring("whsec_".length())), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }
}
