package dev.billing.simulator;

import com.sun.net.httpserver.HttpExchange;
import dev.billing.gateway.ApsForm;
import dev.billing.gateway.ApsSignature;
import dev.billing.support.CardNumbers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulator's hosted page, APS's {@code /FortAPI/paymentPage} for {@code service_command=TOKENIZATION}: the
 * merchant's signed form POST shows a card form with APS's field names; its submit checks the card (Luhn, expiry,
 * security code format), creates a token and sends the browser back to {@code return_url} with the signed result, as
 * an auto-submitting form POST. Like a gateway's logs, it keeps only the masked number. Test cards:
 * {@link #TEST_CARDS}; any other Luhn-valid number makes a good card.
 */
final class SimulatorPaymentPage {

    static final String PATH = "/FortAPI/paymentPage";

    /** A test card and what its token does later. */
    record TestCard(String number, String tokenWord, String responseCode, String meaning) {
    }

    static final List<TestCard> TEST_CARDS = List.of(
            new TestCard("4111111111111111", "", "18000", "good: tokenized, verifies, charges"),
            new TestCard("4000000000000002", "insufficient-funds-", "18000", "tokenized; its charges are soft-declined (13666, acquirer 51)"),
            new TestCard("4000000000000069", "lost-card-", "18000", "tokenized; its charges are hard-declined (13666, acquirer 41)"),
            new TestCard("4000000000000119", null, "17666", "the tokenization itself is declined"));

    private static final int MAX_SESSIONS = 10_000;

    private final String accessCode;
    private final String merchantIdentifier;
    private final String requestPhrase;
    private final String responsePhrase;
    private final ApsSignature signature;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Map<String, String>> sessions = new ConcurrentHashMap<>();

    SimulatorPaymentPage(String accessCode, String merchantIdentifier, String requestPhrase, String responsePhrase, ApsSignature signature) {
        this.accessCode = accessCode;
        this.merchantIdentifier = merchantIdentifier;
        this.requestPhrase = requestPhrase;
        this.responsePhrase = responsePhrase;
        this.signature = signature;
    }

    void handle(HttpExchange exchange) {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                page(exchange, 405, "<p>The payment page takes the merchant's form POST.</p>");
                return;
            }
            Map<String, String> form = ApsForm.decode(new String(exchange.getRequestBody().readNBytes(64 * 1024), StandardCharsets.UTF_8));
            if (form == null) {
                page(exchange, 400, "<p>Invalid request: the form cannot be read (00002).</p>");
            } else if (form.containsKey("session")) {
                submit(exchange, form);
            } else {
                start(exchange, form);
            }
        } catch (IOException e) {
            // the browser went away
        }
    }

    /** The merchant's TOKENIZATION request: checked, then the card form. */
    private void start(HttpExchange exchange, Map<String, String> request) throws IOException {
        String problem = null;
        for (String required : new String[] {"service_command", "access_code", "merchant_identifier", "merchant_reference", "language",
            "return_url", "signature"}) {
            if (request.get(required) == null || request.get(required).isBlank()) {
                problem = "001";
            }
        }
        if (problem == null && !"TOKENIZATION".equals(request.get("service_command"))) {
            problem = "004";
        } else if (problem == null && !merchantIdentifier.equals(request.get("merchant_identifier"))) {
            problem = "009";
        } else if (problem == null && !accessCode.equals(request.get("access_code"))) {
            problem = "010";
        } else if (problem == null && !signature.verify(request, requestPhrase)) {
            problem = "008";
        } else if (problem == null && !request.get("return_url").matches("https?://[^\\s\"'<>]+")) {
            problem = "002";
        }
        if (problem != null) {
            page(exchange, 400, "<p>Invalid request (00" + problem + ").</p>");
            return;
        }
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.clear();
        }
        String session = HexFormat.of().formatHex(random.generateSeed(16));
        Map<String, String> kept = new LinkedHashMap<>(request);
        kept.remove("signature");
        sessions.put(session, kept);
        page(exchange, 200, """
                <h1>APS simulator: card details</h1>
                <form method="post" action="%s">
                  <input type="hidden" name="session" value="%s">
                  <p><label>Name on card <input name="card_holder_name" autocomplete="off"></label></p>
                  <p><label>Card number <input name="card_number" inputmode="numeric" autocomplete="off"></label></p>
                  <p><label>Expiry (YYMM) <input name="expiry_date" inputmode="numeric" autocomplete="off"></label></p>
                  <p><label>Security code <input name="card_security_code" inputmode="numeric" autocomplete="off"></label></p>
                  <p><button type="submit" id="pay">Save card</button></p>
                </form>""".formatted(PATH, session));
    }

    /** The card form's submit: the checks a gateway's page makes, then the browser back to the merchant. */
    private void submit(HttpExchange exchange, Map<String, String> form) throws IOException {
        Map<String, String> request = sessions.remove(form.get("session"));
        if (request == null) {
            page(exchange, 400, "<p>This payment page has expired or was submitted already.</p>");
            return;
        }
        String number = form.getOrDefault("card_number", "").replaceAll("[ -]", "");
        String expiry = form.getOrDefault("expiry_date", "").trim();
        String code;
        TestCard card = TEST_CARDS.stream().filter(c -> c.number().equals(number)).findFirst().orElse(null);
        if (!number.matches("\\d{13,19}") || !CardNumbers.luhnValid(number)) {
            code = "17016";
        } else if (!expiry.matches("\\d{2}(0[1-9]|1[0-2])")) {
            code = "17100";
        } else if (YearMonth.of(2000 + Integer.parseInt(expiry.substring(0, 2)), Integer.parseInt(expiry.substring(2)))
                .isBefore(YearMonth.now(ZoneOffset.UTC))) {
            code = "17012";
        } else if (!form.getOrDefault("card_security_code", "").matches("\\d{3,4}")) {
            code = "17002";
        } else {
            code = card == null ? "18000" : card.responseCode();
        }
        Map<String, String> result = new LinkedHashMap<>(request);
        result.put("status", code.substring(0, 2));
        result.put("response_code", code);
        result.put("response_message", switch (code.substring(2)) {
            case "000" -> "Success";
            case "016" -> "Invalid card number";
            case "100" -> "Invalid expiry date";
            case "012" -> "Card expired";
            case "002" -> "Invalid parameter format";
            default -> "Transaction declined";
        });
        if (number.matches("\\d{13,19}")) {
            result.put("card_number", CardNumbers.maskDigits(number));
            result.put("card_bin", number.substring(0, 6));
        }
        if (expiry.matches("\\d{4}")) {
            result.put("expiry_date", expiry);
        }
        String holder = form.getOrDefault("card_holder_name", "").strip();
        if (!holder.isEmpty() && holder.length() <= 50) {
            result.put("card_holder_name", holder);
        }
        if (code.equals("18000")) {
            result.put("token_name", "tok-" + (card == null ? "" : card.tokenWord()) + HexFormat.of().formatHex(random.generateSeed(8)));
        }
        result.put("signature", signature.sign(result, responsePhrase));
        StringBuilder hidden = new StringBuilder();
        result.forEach((name, value) -> hidden.append("<input type=\"hidden\" name=\"").append(html(name)).append("\" value=\"")
                .append(html(value)).append("\">\n"));
        boolean manual = form.containsKey("simulator_manual_return");
        page(exchange, 200, """
                <h1>APS simulator: returning to the merchant</h1>
                <form id="back" method="post" action="%s">
                %s<p><button type="submit" id="continue">Continue</button></p>
                </form>%s""".formatted(html(request.get("return_url")), hidden,
                manual ? "" : "<script>document.getElementById('back').submit();</script>"));
    }

    private static void page(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>APS simulator</title></head><body>" + body
                + "</body></html>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html;charset=UTF-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String html(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
