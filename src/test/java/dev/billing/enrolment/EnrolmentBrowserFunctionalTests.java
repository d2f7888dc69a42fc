package dev.billing.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.BillingEngineApplication;
import dev.billing.Fixtures;
import dev.billing.HeadlessChromium;
import dev.billing.operations.JobRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The enrolment story in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs; nothing is downloaded) driven by Selenium through the engine's page, the simulator's hosted
 * card form and the return; then the night verifies or refuses the card. A screenshot of every page is kept under
 * {@code target/screenshots/}.
 */
@Tag("database")
@SpringBootTest(classes = BillingEngineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.main.web-application-type=servlet",
    "billing.enrolment.secret=browser-test-secret-0123"
})
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class EnrolmentBrowserFunctionalTests {

    private static final String SECRET = "browser-test-secret-0123";
    private static final String PAN = "4111111111111111";
    private static final String CVV = "9731";
    private static WebDriver browser;
    private static int shot;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;

    private Fixtures fixtures;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = HeadlessChromium.start(null);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void reset() {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
        jdbc.execute("TRUNCATE enrolments");
    }

    private String link(String customer, long expires) {
        return "http://127.0.0.1:" + port + "/enrol?"
                + new EnrolLinks.Link(customer, customer.toLowerCase(java.util.Locale.ROOT) + "@example.com", "https://shop.example/account", expires)
                .query(SECRET);
    }

    private void screenshot(String name) throws IOException {
        HeadlessChromium.screenshot(browser, String.format("enrolment-%02d-%s", ++shot, name));
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    /** Opens the link, and on the gateway's card form types the card and submits it. */
    private void enrolCard(String customer, String number, boolean manualReturn) throws IOException {
        browser.get(link(customer, Instant.now().getEpochSecond() + 600));
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.name("card_number")));
        browser.findElement(By.name("card_holder_name")).sendKeys("Jane Doe");
        browser.findElement(By.name("card_number")).sendKeys(number);
        browser.findElement(By.name("expiry_date")).sendKeys("3012");
        browser.findElement(By.name("card_security_code")).sendKeys(CVV);
        screenshot(customer + "-card-form");
        if (manualReturn) {
            ((JavascriptExecutor) browser).executeScript("""
                    const i = document.createElement('input'); i.type = 'hidden'; i.name = 'simulator_manual_return'; i.value = '1';
                    document.forms[0].appendChild(i);""");
        }
        browser.findElement(By.id("pay")).click();
    }

    private String tokenOf(String customer) {
        return jdbc.queryForObject("SELECT token_name FROM tokens WHERE customer_id = ?", String.class, customer);
    }

    @Test
    void aGoodCardIsEnrolledThenVerifiedAtNightAndTheCardNumberNeverReachesTheEngine(CapturedOutput output) throws Exception {
        enrolCard("C-GOOD", PAN, false);
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("saved")));
        screenshot("good-saved");
        assertThat(browser.findElement(By.id("card")).getText()).isEqualTo("411111******1111");
        String confirmation = browser.getPageSource();
        String token = tokenOf("C-GOOD");
        assertThat(fixtures.tokenStatus(token)).isEqualTo("NEW");

        assertThat(runner.run("nightly", LocalDate.of(2026, 11, 27)).getStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(fixtures.tokenStatus(token)).isEqualTo("VERIFIED");
        assertThat(fixtures.gatewaySuccessesFor(token)).as("one micro-charge").isOne();
        assertThat(fixtures.takenNotGivenBack()).as("refunded at once").isZero();
        assertThat(confirmation).doesNotContain(PAN).doesNotContain(CVV);
        assertThat(output.getAll()).doesNotContain(PAN).doesNotContain(CVV);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tokens WHERE card_mask LIKE '%" + PAN + "%'", Long.class)).isZero();
        try (Stream<Path> files = Files.walk(Path.of("target/test-data"))) {
            jdbc.execute("CHECKPOINT");
            byte[] pan = PAN.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            // not engine.lock (it holds no data): opening and closing it would drop this JVM's lock on it, a POSIX lock held
            // per process, and a serve process of a later test would then stop the server as its last user
            assertThat(files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("engine.lock"))
                    .filter(f -> contains(f, pan)).toList())
                    .as("files of the database holding the card number").isEmpty();
        }
    }

    private static boolean contains(Path file, byte[] needle) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            outer:
            for (int i = 0; i + needle.length <= bytes.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (bytes[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            return false; // a file the server holds open exclusively, or gone meanwhile
        }
    }

    @Test
    void aHardDecliningCardBecomesInvalidAtNightAndItsOrdersAreHeld() throws Exception {
        enrolCard("C-LOST", "4000000000000069", false);
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("saved")));
        screenshot("lost-saved");
        String token = tokenOf("C-LOST");
        fixtures.order("E-1", token, 2500, "AED", "SHIPPED", null);

        assertThat(runner.run("nightly", LocalDate.of(2026, 11, 27)).getStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(fixtures.tokenStatus(token)).isEqualTo("INVALID");
        assertThat(fixtures.orderStatus("E-1")).isEqualTo("SHIPPED");
        assertThat(jdbc.queryForList("SELECT order_id FROM charge_holds", String.class)).containsExactly("E-1");
        assertThat(fixtures.gatewayRequestsFor("E-1")).isZero();
    }

    @Test
    void aDeclinedTokenizationShowsTheMessageAndAnExpiredLinkIsRefused() throws Exception {
        enrolCard("C-DECLINED", "4000000000000119", false);
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("declined")));
        screenshot("declined");
        assertThat(browser.findElement(By.id("message")).getText()).isEqualTo("Transaction declined");
        assertThat(browser.findElement(By.id("retry")).getAttribute("href")).contains("/enrol?customer_id=C-DECLINED");

        browser.get(link("C-EXPIRED", Instant.now().getEpochSecond() - 60));
        screenshot("expired");
        assertThat(browser.findElement(By.id("message")).getText()).isEqualTo("This link has expired. Ask the merchant for a new link.");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tokens", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM enrolments WHERE customer_id = 'C-EXPIRED'", Long.class)).isZero();
    }

    @Test
    void aTamperedReturnIsRefusedAndNothingIsStored() throws Exception {
        enrolCard("C-TAMPER", PAN, true);
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("continue")));
        ((JavascriptExecutor) browser).executeScript("document.querySelector('input[name=token_name]').value = 'tok-someone-elses';");
        screenshot("tamper-return");
        browser.findElement(By.id("continue")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("message")));
        screenshot("tamper-refused");

        assertThat(browser.findElement(By.id("message")).getText()).startsWith("This answer from the payment page could not be verified");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tokens", Long.class)).isZero();
    }
}
