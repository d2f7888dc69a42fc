package dev.billing.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineWithNotifications;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsForm;
import dev.billing.gateway.ApsJson;
import dev.billing.gateway.ApsSignature;
import dev.billing.gateway.GatewayProperties;
import dev.billing.simulator.ApsSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A signature proves a string, not the fields (aps-protocol.md section 7): what a notification must also be before it
 * is stored or settles anything. The account's own access code and merchant identifier; every field a settlement acts
 * on, in its format; and a repeat is known by its content, whatever the case of its signature.
 */
@EngineWithNotifications
class NotificationFieldsFunctionalTests {

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ApsSimulator simulator;
    GatewayProperties gateway;

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
        fixtures.token("t1", "VERIFIED");
        fixtures.order("O-1", "t1", 1234, "AED", "SHIPPED", null);
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                              currency, business_date, state)
                VALUES ('CH-O-1-1', 'CH-O-1-1', 'CHARGE', 'O-1', 't1', 1, 1234, 'AED', ?, 'UNKNOWN')""", java.sql.Date.valueOf(NIGHT));
    }

    /** The fields of a PURCHASE notification as APS sends them (the request's fields echoed), unsigned. */
    private Map<String, String> purchase(long amount) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("command", "PURCHASE");
        f.put("access_code", gateway.accessCode());
        f.put("merchant_identifier", gateway.merchantIdentifier());
        f.put("merchant_reference", "CH-O-1-1");
        f.put("amount", Long.toString(amount));
        f.put("currency", "AED");
        f.put("status", "14");
        f.put("response_code", "14000");
        f.put("response_message", "Success");
        f.put("fort_id", "169000000000099001");
        return f;
    }

    private Map<String, String> signed(Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put("signature", new ApsSignature(gateway.signature()).sign(fields, gateway.responsePhrase()));
        return all;
    }

    private HttpResponse<String> post(Map<String, String> fields) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/aps/notifications"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofByteArray(ApsForm.encode(fields)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private long stored() {
        return jdbc.queryForObject("SELECT count(*) FROM aps_notifications", Long.class);
    }

    private long refusalsAudited() {
        return jdbc.queryForObject("SELECT COALESCE(sum(count), 0) FROM audit_log WHERE action = 'NOTIFICATION_REFUSED'", Long.class);
    }

    @Test
    void aSignedSuccessForTheWrongAmountCannotBeReArrangedIntoASettlement() throws Exception {
        Map<String, String> captured = signed(purchase(99999));
        assertThat(post(captured).body()).as("genuinely signed, for the wrong amount").isEqualTo("CONFLICT\n");
        Map<String, String> rearranged = new LinkedHashMap<>(captured);
        // the access code swallows the amount pair: the signed string, and so the signature, are the same
        rearranged.put("access_code", gateway.accessCode() + "amount=99999");
        rearranged.remove("amount");
        assertThat(ApsSignature.canonical(rearranged, "p")).isEqualTo(ApsSignature.canonical(captured, "p"));
        long audited = refusalsAudited();

        HttpResponse<String> answer = post(rearranged);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("access_code");
        assertThat(fixtures.orderStatus("O-1")).isEqualTo("SHIPPED");
        assertThat(jdbc.queryForObject("SELECT state FROM payment_attempts WHERE attempt_reference = 'CH-O-1-1'", String.class))
                .isEqualTo("UNKNOWN");
        assertThat(stored()).as("only the genuine one").isOne();
        assertThat(refusalsAudited() - audited).isOne();
    }

    @Test
    void aSuccessWithoutAFieldASettlementNeedsOrWithAFieldOutOfItsFormatSettlesNothing() throws Exception {
        for (String missing : new String[] {"amount", "currency", "fort_id", "status", "response_code", "merchant_reference"}) {
            Map<String, String> fields = purchase(1234);
            fields.remove(missing);
            assertThat(post(signed(fields)).statusCode()).as("without " + missing).isEqualTo(400);
        }
        Map<String, Map<String, String>> malformed = new LinkedHashMap<>();
        malformed.put("amount 12.34", with("amount", "12.34"));
        malformed.put("currency aed", with("currency", "aed"));
        malformed.put("response_code 1400", with("response_code", "1400"));
        malformed.put("status 4", with("status", "4"));
        malformed.put("fort_id with letters", with("fort_id", "1690x"));
        malformed.put("status not the code's", with("status", "13"));
        malformed.put("another merchant", with("merchant_identifier", "SOMEONE"));
        malformed.put("another access code", with("access_code", "OtherAccessCode01"));
        malformed.forEach((what, fields) -> {
            try {
                assertThat(post(signed(fields)).statusCode()).as(what).isEqualTo(400);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Map<String, String> noAccount = purchase(1234);
        noAccount.remove("access_code");
        assertThat(post(signed(noAccount)).statusCode()).as("no access code").isEqualTo(400);

        assertThat(stored()).isZero();
        assertThat(fixtures.orderStatus("O-1")).isEqualTo("SHIPPED");
        assertThat(post(signed(purchase(1234))).body()).as("the whole notification still settles").isEqualTo("SETTLED\n");
        assertThat(fixtures.orderStatus("O-1")).isEqualTo("PAID");
    }

    private Map<String, String> with(String name, String value) {
        Map<String, String> fields = purchase(1234);
        fields.put(name, value);
        return fields;
    }

    @Test
    void theSameNotificationWithItsSignatureInUpperCaseIsADuplicate() throws Exception {
        Map<String, String> notification = signed(purchase(1234));
        Map<String, String> upper = new LinkedHashMap<>(notification);
        upper.put("signature", notification.get("signature").toUpperCase(Locale.ROOT));

        assertThat(post(notification).body()).isEqualTo("SETTLED\n");
        HttpResponse<String> again = post(upper);

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo("DUPLICATE\n");
        assertThat(stored()).isOne();
    }

    @Test
    void aControlCharacterInAFieldIsRefusedNotAServerError() throws Exception {
        Map<String, String> fields = purchase(1234);
        fields.put("response_message", "Succ\u0000ess");
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/aps/notifications"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(ApsJson.write(signed(fields))))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(stored()).isZero();
    }
}
