package dev.billing.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.GatewayProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The simulator against requests signed by an implementation written here from the published rule (and checked
 * against the published vector first), with JSON written and read by hand: the client and the simulator share
 * {@link ApsSignature}, so this is what keeps them from agreeing on a wrong algorithm.
 */
@EngineTest
class SimulatorContractFunctionalTests {

    @Autowired
    DataSource dataSource;

    /** SHA-256 over phrase + sorted name=value pairs + phrase, lower-case hex. */
    private static String independentSha256(Map<String, String> params, String phrase) throws Exception {
        String joined = new TreeMap<>(params).entrySet().stream()
                .filter(e -> !e.getKey().equals("signature"))
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining());
        byte[] hash = MessageDigest.getInstance("SHA-256").digest((phrase + joined + phrase).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash);
    }

    private static String json(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static Map<String, String> parseFlatJson(String body) {
        Map<String, String> fields = new TreeMap<>();
        Matcher m = Pattern.compile("\"([^\"]+)\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(body);
        while (m.find()) {
            fields.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return fields;
    }

    @Test
    void theSimulatorAcceptsAnIndependentlySignedRequestAndSignsItsReplyTheSameWay() throws Exception {
        assertThat(independentSha256(Map.of("command", "PURCHASE", "merchant_reference", "Test010", "amount", "1000",
                "access_code", "SILgpo7pWbmzuURp2qri", "merchant_identifier", "MxvOupuG", "currency", "USD", "language", "en",
                "customer_email", "test@gmail.com"), "PASS"))
                .as("the independent implementation reproduces the published vector")
                .isEqualTo("94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882");

        GatewayProperties credentials = Fixtures.TEST_MERCHANT;
        try (ApsSimulator simulator = new ApsSimulator(new SimulatorStore(dataSource, false), credentials, SimulatorProperties.none(), 0)) {
            new Fixtures(new org.springframework.jdbc.core.JdbcTemplate(dataSource)).clearSimulator();
            Map<String, String> request = new TreeMap<>(Map.of("command", "PURCHASE", "access_code", credentials.accessCode(),
                    "merchant_identifier", credentials.merchantIdentifier(), "merchant_reference", "CONTRACT-1", "amount", "15000",
                    "currency", "AED", "language", "en", "customer_email", "jane.doe+billing@example.com", "eci", "RECURRING",
                    "token_name", "tok_9f8e7d6c"));
            request.put("agreement_id", "AGR-CONTRACT-1");
            request.put("signature", independentSha256(request, credentials.requestPhrase()));

            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(simulator.url())
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json(request))).build(),
                    HttpResponse.BodyHandlers.ofString());

            Map<String, String> reply = parseFlatJson(response.body());
            assertThat(reply).containsEntry("response_code", "14000").containsEntry("status", "14")
                    .containsEntry("merchant_reference", "CONTRACT-1").containsEntry("amount", "15000").containsKey("fort_id");
            assertThat(reply.get("signature")).isEqualTo(independentSha256(reply, credentials.responsePhrase()));

            request.put("signature", independentSha256(request, "not-the-phrase"));
            Map<String, String> refused = parseFlatJson(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(simulator.url().toString()))
                    .POST(HttpRequest.BodyPublishers.ofString(json(request))).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(refused).containsEntry("response_code", "00008");
        }
    }
}
