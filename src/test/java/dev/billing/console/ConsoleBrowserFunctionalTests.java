package dev.billing.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.BillingEngineApplication;
import dev.billing.Fixtures;
import dev.billing.HeadlessChromium;
import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.LocalGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The console in a real browser (headless Chromium, Selenium): an operator finds last night FAILED because the gateway
 * settings were wrong, reads the error and what to do, restarts it once the settings are right and watches it complete;
 * a finance user finds an order by its merchant reference, downloads the summary and its checksum, uploads the gateway's
 * settlement file, and has no restart button (a forged POST is refused). Screenshots under {@code target/screenshots/}.
 */
@Tag("database")
@SpringBootTest(classes = BillingEngineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.main.web-application-type=servlet")
@ActiveProfiles("test")
class ConsoleBrowserFunctionalTests {

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);
    private static final Path DOWNLOADS = Path.of("target/browser-downloads");
    private static final String PASSWORD = "correct-horse-battery-staple";
    private static WebDriver browser;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ConsoleUsers users;
    @Autowired
    LocalGateway gateway;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = HeadlessChromium.start(DOWNLOADS);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void reset() {
        new Fixtures(jdbc).reset();
        jdbc.execute("TRUNCATE console_users");
        users.add("olga", Role.OPERATOR, PASSWORD);
        users.add("fred", Role.FINANCE, PASSWORD);
        browser.manage().deleteAllCookies();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private WebDriverWait waiting(Duration timeout) {
        return new WebDriverWait(browser, timeout);
    }

    private void signIn(String name) throws IOException {
        browser.get(url("/console"));
        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("sign-in")));
        HeadlessChromium.screenshot(browser, "console-00-sign-in");
        browser.findElement(By.name("username")).sendKeys(name);
        browser.findElement(By.name("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("sign-in")).click();
        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(By.id("who"), name));
    }

    /** The night, run by a process whose gateway access code is wrong (as a mistyped setting would be). */
    private long aNightThatFailedOnTheGatewaySettings() {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.token("t-1", "VERIFIED");
        fixtures.token("t-2", "VERIFIED");
        fixtures.order("O-1", "t-1", 1250, "AED", "SHIPPED", null);
        fixtures.order("O-2", "t-2", 3000, "KWD", "SHIPPED", null);
        int exit = Fixtures.cli(new ByteArrayOutputStream(), new ByteArrayOutputStream()).execute("run", "nightly", "--date", NIGHT.toString(),
                "--billing.gateway.url=" + gateway.url(), "--billing.gateway.access-code=WrongAccessCode00001",
                "--billing.gateway.merchant-identifier=" + GatewayProperties.SIMULATOR_MERCHANT,
                "--billing.gateway.request-phrase=" + GatewayProperties.SIMULATOR_REQUEST_PHRASE,
                "--billing.gateway.response-phrase=" + GatewayProperties.SIMULATOR_RESPONSE_PHRASE);
        assertThat(exit).as("the misconfigured night fails").isEqualTo(1);
        return jdbc.queryForObject("""
                SELECT max(e.job_execution_id) FROM batch_job_execution e JOIN batch_job_instance i USING (job_instance_id)
                WHERE i.job_name = 'nightly'""", Long.class);
    }

    @Test
    void anOperatorFindsTheFailedNightReadsWhatToDoRestartsItAndTheAuditShowsIt() throws Exception {
        long failed = aNightThatFailedOnTheGatewaySettings();

        signIn("olga");
        HeadlessChromium.screenshot(browser, "console-01-nights");
        assertThat(browser.findElement(By.id("jobs")).getText()).contains(NIGHT.toString()).contains("nightly FAILED #" + failed);
        browser.findElement(By.linkText(NIGHT.toString())).click();
        browser.findElement(By.linkText(Long.toString(failed))).click();
        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("next")));
        HeadlessChromium.screenshot(browser, "console-02-failed-execution");
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("FAILED");
        assertThat(browser.getPageSource()).contains("misconfigured").contains("00010").doesNotContain("WrongAccessCode00001");
        assertThat(browser.findElement(By.id("next")).getText()).contains("gateway settings").contains("restart");

        browser.findElement(By.id("restart")).click();
        HeadlessChromium.screenshot(browser, "console-03-confirm-restart");
        browser.findElement(By.id("confirm")).click();
        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("notice")));
        assertThat(browser.findElement(By.id("notice")).getText()).contains("restart started");
        waiting(Duration.ofSeconds(90)).pollingEvery(Duration.ofMillis(500)).until(driver -> {
            driver.navigate().refresh();
            return !driver.findElements(By.id("later-status")).isEmpty()
                    && driver.findElement(By.id("later-status")).getText().equals("COMPLETED");
        });
        browser.findElement(By.id("later")).click();
        HeadlessChromium.screenshot(browser, "console-04-restarted-completed");
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("COMPLETED");
        assertThat(jdbc.queryForList("SELECT status FROM orders ORDER BY order_id", String.class)).containsExactly("PAID", "PAID");

        browser.get(url("/console/executions"));
        HeadlessChromium.screenshot(browser, "console-05-executions");
        browser.get(url("/console/exceptions?date=" + NIGHT));
        HeadlessChromium.screenshot(browser, "console-05-exceptions");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Exceptions of " + NIGHT);
        browser.get(url("/console/audit"));
        HeadlessChromium.screenshot(browser, "console-05-audit");
        assertThat(browser.findElement(By.tagName("table")).getText()).contains("olga RESTART execution " + failed)
                .contains("RESTART_ENDED");
        browser.get(url("/console"));
        HeadlessChromium.screenshot(browser, "console-06-nights-after");
        assertThat(browser.findElement(By.id("nights")).getText()).contains("12.50").contains("3.000");
    }

    @Test
    void aFinanceUserFindsAnOrderDownloadsTheSummaryWithItsChecksumAndCannotRestart() throws Exception {
        long failed = aNightThatFailedOnTheGatewaySettings();
        jdbc.update("UPDATE tokens SET status = 'VERIFIED'");
        assertThat(Fixtures.cli(new ByteArrayOutputStream(), new ByteArrayOutputStream())
                .execute("jobs", "restart", Long.toString(failed))).isZero();

        signIn("fred");
        browser.findElement(By.name("q")).sendKeys("CH-O-2-1");
        browser.findElement(By.name("q")).submit();
        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("order-id")));
        HeadlessChromium.screenshot(browser, "console-07-order-found");
        assertThat(browser.findElement(By.id("order-id")).getText()).isEqualTo("O-2");
        assertThat(browser.findElement(By.id("amount")).getText()).isEqualTo("3.000 KWD");
        assertThat(browser.findElement(By.id("attempts")).getText()).contains("CH-O-2-1").contains("SUCCEEDED").contains("14000");

        browser.findElement(By.name("q")).sendKeys("C");
        browser.findElement(By.name("q")).submit();
        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.linkText("O-1")));
        HeadlessChromium.screenshot(browser, "console-07-search");
        browser.findElement(By.linkText("Reports")).click();
        HeadlessChromium.screenshot(browser, "console-08-report-dates");
        browser.findElement(By.linkText(NIGHT.toString())).click();
        HeadlessChromium.screenshot(browser, "console-08-report-files");
        String summary = "summary-" + NIGHT + ".csv";
        Files.deleteIfExists(DOWNLOADS.resolve(summary));
        Files.deleteIfExists(DOWNLOADS.resolve(summary + ".sha256"));
        browser.findElement(By.id("file-" + summary)).click();
        browser.findElement(By.id("sha-" + summary)).click();
        waiting(Duration.ofSeconds(20)).until(d -> Files.exists(DOWNLOADS.resolve(summary)) && Files.exists(DOWNLOADS.resolve(summary + ".sha256")));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(DOWNLOADS.resolve(summary))));
        assertThat(Files.readString(DOWNLOADS.resolve(summary + ".sha256"))).isEqualTo(sha + "  " + summary + "\n");
        assertThat(browser.findElement(By.id("files")).getText()).contains(sha);

        Path settlement = Files.writeString(DOWNLOADS.resolve("aps-transactions.csv"), """
                merchant_reference,operation,amount,currency,status
                CH-O-1-1,PURCHASE,1250,AED,14
                CH-O-2-1,PURCHASE,3000,KWD,14
                """);
        browser.findElement(By.id("settlement")).sendKeys(settlement.toAbsolutePath().toString());
        browser.findElement(By.id("upload")).click();
        waiting(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(By.id("notice")));
        HeadlessChromium.screenshot(browser, "console-09-settlement-matched");
        assertThat(browser.findElement(By.id("notice")).getText()).contains("COMPLETED");
        assertThat(browser.findElement(By.id("files")).getText()).contains("matching-" + NIGHT + ".csv");

        browser.get(url("/console/executions/" + failed));
        assertThat(browser.findElements(By.id("restart"))).isEmpty();
        assertThat(browser.findElements(By.id("recover"))).isEmpty();
        // the finance user's own session and CSRF token, sent by hand: only the role stands in the way
        String session = browser.manage().getCookieNamed("JSESSIONID").getValue();
        String token = browser.findElement(By.name("_csrf")).getDomAttribute("value");
        java.net.http.HttpResponse<String> forged = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url("/console/executions/" + failed + "/restart")))
                .header("Cookie", "JSESSIONID=" + session).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("_csrf=" + token)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).as("a forged restart by a finance user").isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE actor = 'fred' AND action = 'DENIED'", Long.class)).isPositive();
        assertThat(new String(Files.readAllBytes(DOWNLOADS.resolve(summary)), StandardCharsets.UTF_8)).contains("AED").contains("KWD");
    }

    @Test
    void aLargeRefundAskedByOneFinanceUserIsSentOnceWhenASecondApprovesIt() throws Exception {
        users.add("rania", Role.FINANCE, PASSWORD);
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.token("t-9", "VERIFIED");
        fixtures.order("BIG-1", "t-9", 480_000, "AED", "SHIPPED", null);
        assertThat(Fixtures.cli(new ByteArrayOutputStream(), new ByteArrayOutputStream()).execute("run", "charge-orders", "--date",
                NIGHT.toString())).isZero();

        signIn("fred");
        browser.get(url("/console/orders/BIG-1"));
        browser.findElement(By.id("refund-amount")).sendKeys("4000");
        browser.findElement(By.id("refund-reason")).sendKeys("customer returned the goods");
        browser.findElement(By.id("refund-submit")).click();
        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("notice")));
        HeadlessChromium.screenshot(browser, "console-10-refund-waits");
        assertThat(browser.findElement(By.id("notice")).getText()).contains("waits for a second person's approval");
        assertThat(browser.findElement(By.id("order-refund-requests")).getText()).contains("4000.00 AED").contains("AWAITING_APPROVAL");
        long request = jdbc.queryForObject("SELECT id FROM refund_requests WHERE order_id = 'BIG-1'", Long.class);

        browser.findElement(By.linkText("Refunds")).click();
        assertThat(browser.findElement(By.id("request-" + request)).getText()).contains("asked by you");
        assertThat(browser.findElements(By.cssSelector("#request-" + request + " .approve"))).as("no approve button for the asker").isEmpty();
        // the asker's own session and CSRF token, sent by hand: the server refuses all the same
        String session = browser.manage().getCookieNamed("JSESSIONID").getValue();
        String token = browser.findElement(By.name("_csrf")).getDomAttribute("value");
        java.net.http.HttpResponse<String> self = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url("/console/refunds/" + request + "/approve")))
                .header("Cookie", "JSESSIONID=" + session).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("_csrf=" + token)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(self.statusCode()).isEqualTo(302);
        assertThat(jdbc.queryForObject("SELECT status FROM refund_requests WHERE id = ?", String.class, request)).isEqualTo("AWAITING_APPROVAL");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_simulator.maintenance WHERE command = 'REFUND'", Long.class)).isZero();

        browser.manage().deleteAllCookies();
        signIn("rania");
        browser.findElement(By.linkText("Refunds")).click();
        HeadlessChromium.screenshot(browser, "console-11-refund-to-approve");
        browser.findElement(By.cssSelector("#request-" + request + " .approve")).click();
        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("notice")));
        assertThat(browser.findElement(By.id("notice")).getText()).contains("refunded 4000.00 AED of order BIG-1 (RF-BIG-1-1)");
        browser.findElement(By.linkText("BIG-1")).click();
        HeadlessChromium.screenshot(browser, "console-12-order-refunded");
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("PARTIALLY_REFUNDED");
        assertThat(browser.findElement(By.id("attempts")).getText()).contains("RF-BIG-1-1 REFUND").contains("SUCCEEDED");
        assertThat(browser.findElement(By.id("order-refund-requests")).getText()).contains("SENT").contains("rania");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_simulator.maintenance WHERE command = 'REFUND'", Long.class))
                .as("the gateway refunded once").isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT actor || ' ' || action FROM audit_log WHERE action LIKE 'REFUND%' ORDER BY id", String.class))
                .containsSubsequence("fred REFUND_REQUESTED", "fred REFUND_APPROVE", "rania REFUND_APPROVED");
    }
}
