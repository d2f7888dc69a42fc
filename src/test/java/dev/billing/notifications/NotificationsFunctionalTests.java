package dev.billing.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineWithNotifications;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsForm;
import dev.billing.gateway.ApsJson;
import dev.billing.gateway.ApsSignature;
import dev.billing.gateway.GatewayProperties;
import dev.billing.operations.JobRunner;
import dev.billing.simulator.ApsSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code POST /aps/notifications} with the ledger behind it. The simulator loses a fifth of its replies, answers
 * after 200 ms, and notifies each operation at once (duplicated half the time, delayed up to 30 ms, a pending status
 * always after the final one): every lost reply is settled by its notification before the resolve step could ask.
 * Then what a hostile or confused sender can post: bad signatures, bodies that cannot be read, contradictions.
 */
@EngineWithNotifications
@TestPropertySource(properties = {
    "billing.simulator.lost-reply-rate=0.2",
    "billing.simulator.latency=200ms",
    "billing.simulator.seed=11",
    "billing.simulator.notification-duplicate-rate=0.5",
    "billing.simulator.notification-max-delay=30ms",
    "billing.simulator.notification-out-of-order-rate=1",
    "billing.simulator.notification-lost-rate=0",
    "billing.simulator.notification-bad-signature-rate=0"
})
@ExtendWith(OutputCaptureExtension.class)
class NotificationsFunctionalTests {

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    GatewayProperties gateway;
    @Autowired
    ApsSimulator simulator;

    private final HttpClient http = HttpClient.newHttpClient();
    private Fixtures fixtures;

    @Autowired
    void credentials(GatewayProperties configured) {
        gateway = configured.effective();
    }

    @BeforeEach
    void reset() {
        await().atMost(Duration.ofSeconds(30)).until(() -> simulator.notificationsPending() == 0);
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
        jdbc.execute("TRUNCATE aps_notifications");
    }

    private long notifications(String outcome) {
        return jdbc.queryForObject("SELECT count(*) FROM aps_notifications WHERE outcome = ?", Long.class, outcome);
    }

    @Test
    void lostRepliesAreSettledByTheirNotificationsAndNoStatusCheckIsNeeded() {
        fixtures.manyOrders(300, 30);
        fixtures.token("tok-on-hold", "VERIFIED");
        fixtures.order("H-1", "tok-on-hold", 1500, "AED", "SHIPPED", null);
        fixtures.order("H-2", "tok-on-hold", 2500, "AED", "SHIPPED", null);
        int checksBefore = simulator.statusChecks();

        assertThat(runner.run("charge-orders", NIGHT).getStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isEqualTo(302);
        assertThat(fixtures.gatewaySuccessesPerOrder()).hasSize(302).allSatisfy((order, n) -> assertThat(n).as(order).isEqualTo(1));
        assertThat(fixtures.unresolved()).isZero();
        assertThat(fixtures.totalsMismatch()).isEmpty();
        assertThat(simulator.statusChecks() - checksBefore).as("CHECK_STATUS requests").isZero();
        assertThat(notifications("SETTLED")).as("lost replies and on-hold charges settled by notifications").isGreaterThan(40);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE kind = 'CHARGE'", Long.class))
                .as("one attempt per order: nothing was sent again").isEqualTo(302);
        // the pending statuses of the on-hold charges came after their final ones and changed nothing
        await().atMost(Duration.ofSeconds(10)).until(() -> notifications("NOT_FINAL") >= 2);
        assertThat(fixtures.orderStatus("H-1")).isEqualTo("PAID");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_exceptions", Long.class)).isZero();
    }

    private Map<String, String> signed(Map<String, String> fields, String phrase) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put("signature", new ApsSignature(gateway.signature()).sign(fields, phrase));
        return all;
    }

    private Map<String, String> purchase(String reference, String code, long amount) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("command", "PURCHASE");
        f.put("access_code", gateway.accessCode());
        f.put("merchant_identifier", gateway.merchantIdentifier());
        f.put("merchant_reference", reference);
        f.put("amount", Long.toString(amount));
        f.put("currency", "AED");
        f.put("status", code.substring(0, 2));
        f.put("response_code", code);
        f.put("response_message", "Success");
        f.put("fort_id", "169000000000099001");
        return signed(f, gateway.responsePhrase());
    }

    private HttpResponse<String> post(String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/aps/notifications"))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postForm(Map<String, String> fields) throws Exception {
        return post("application/x-www-form-urlencoded", ApsForm.encode(fields));
    }

    @Test
    void aSignedNotificationSettlesAnOpenChargeOnceAndADuplicateChangesNothing() throws Exception {
        fixtures.token("t1", "VERIFIED");
        fixtures.order("O-1", "t1", 1234, "AED", "SHIPPED", null);
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                              currency, business_date, state)
                VALUES ('CH-O-1-1', 'CH-O-1-1', 'CHARGE', 'O-1', 't1', 1, 1234, 'AED', ?, 'UNKNOWN')""", java.sql.Date.valueOf(NIGHT));

        HttpResponse<String> first = postForm(purchase("CH-O-1-1", "14000", 1234));
        HttpResponse<String> again = post("application/json", ApsJson.write(purchase("CH-O-1-1", "14000", 1234)));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("SETTLED\n");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).as("the same content as JSON is the same notification").isEqualTo("DUPLICATE\n");
        assertThat(fixtures.orderStatus("O-1")).isEqualTo("PAID");
        assertThat(jdbc.queryForObject("SELECT state || ' ' || fort_id FROM payment_attempts WHERE attempt_reference = 'CH-O-1-1'", String.class))
                .isEqualTo("SUCCEEDED 169000000000099001");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_notifications", Long.class)).isOne();
        assertThat(jdbc.queryForObject("SELECT fields::text FROM aps_notifications", String.class))
                .contains("CH-O-1-1").doesNotContain(gateway.accessCode()).doesNotContain("access_code");
    }

    @Test
    void aContradictionNeverChangesASettledRowAndAnUnknownReferenceIsAnException() throws Exception {
        fixtures.token("t1", "VERIFIED");
        fixtures.order("O-2", "t1", 500, "AED", "SHIPPED", null);
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                              currency, business_date, state, response_code)
                VALUES ('CH-O-2-1', 'CH-O-2-1', 'CHARGE', 'O-2', 't1', 1, 500, 'AED', ?, 'DECLINED', '13666')""", java.sql.Date.valueOf(NIGHT));

        HttpResponse<String> conflict = postForm(purchase("CH-O-2-1", "14000", 500));
        HttpResponse<String> unknown = postForm(purchase("CH-NEVER-SENT-1", "14000", 700));

        assertThat(conflict.body()).isEqualTo("CONFLICT\n");
        assertThat(unknown.body()).isEqualTo("UNKNOWN_REFERENCE\n");
        assertThat(jdbc.queryForObject("SELECT state FROM payment_attempts WHERE attempt_reference = 'CH-O-2-1'", String.class)).isEqualTo("DECLINED");
        assertThat(fixtures.orderStatus("O-2")).isEqualTo("SHIPPED");
        assertThat(jdbc.queryForList("SELECT type || ' ' || attempt_reference FROM ledger_exceptions ORDER BY id", String.class))
                .containsExactly("NOTIFICATION_CONFLICT CH-O-2-1", "NOTIFICATION_UNKNOWN_REFERENCE CH-NEVER-SENT-1");
    }

    @Test
    void whatCannotBeTrustedOrReadIsRefusedAndNothingIsStored(CapturedOutput output) throws Exception {
        Map<String, String> forged = signed(purchase("CH-X-1", "14000", 100), "not-the-phrase");
        forged.remove("signature");
        forged = signed(forged, "not-the-phrase");
        HttpResponse<String> badSignature = postForm(forged);
        Map<String, String> unsigned = purchase("CH-X-1", "14000", 100);
        unsigned.remove("signature");

        assertThat(badSignature.statusCode()).isEqualTo(400);
        assertThat(postForm(unsigned).statusCode()).isEqualTo(400);
        assertThat(post("application/json", "{\"merchant_reference\": ".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
        assertThat(post("application/x-www-form-urlencoded", "a=%zz".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
        assertThat(post("text/xml", "<x/>".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(415);
        byte[] huge = ("pad=" + "x".repeat(70 * 1024)).getBytes(StandardCharsets.UTF_8);
        assertThat(post("application/x-www-form-urlencoded", huge).statusCode()).isEqualTo(413);

        assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_notifications", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_exceptions", Long.class)).isZero();
        assertThat(output.getAll()).contains("Refused a notification from 127.0.0.1").doesNotContain("CH-X-1")
                .doesNotContain(gateway.accessCode());
    }
}
