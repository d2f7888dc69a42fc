package dev.billing.gateway;

import dev.billing.money.Money;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's client of the APS server-to-server JSON API ({@code /FortAPI/paymentApi}).
 *
 * <p>Every request is signed with the request phrase; every reply's signature is checked with the response
 * phrase over all the keys it returned, and a reply that fails the check is an UNKNOWN outcome, never a success.
 * No exception leaves a call: a timeout, a lost connection, a non-2xx status or a body that is not a JSON object
 * is an UNKNOWN reply whose {@code problem} says what happened. At most {@code max-concurrency} calls are in
 * flight and, when {@code max-tps} is set, at most that many start per second. The phrases and the access code
 * appear in no log line and no exception.
 */
public class ApsClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApsClient.class);
    /** APS: at most 40 letters, digits, '-', '_' or '.'; the same rule for maintenance references. */
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9._-]{1,40}");

    private final String account;
    private final GatewayProperties settings;
    private final ApsSignature signature;
    /** The clients of the merchant's other accounts, by name (null: this client knows no other). */
    private final java.util.function.Function<String, ApsClient> otherAccounts;
    private final HttpClient http;
    private final CallBudget budget;
    /** Calls of this client in flight now (within the budget): {@code billing.gateway.in.flight}, the budget in use on this node. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    /** A client with a budget of its own (this process alone calls the gateway with these credentials). */
    public ApsClient(GatewayProperties settings) {
        this(settings, CallBudget.local(settings.maxConcurrency(), settings.maxTps()));
    }

    /** A client that calls within {@code budget}, which it closes with itself. */
    public ApsClient(GatewayProperties settings, CallBudget budget) {
        this(GatewayAccounts.DEFAULT, settings, budget, null);
    }

    /**
     * The client of account {@code account}, calling within {@code budget} (which it closes with itself); {@code otherAccounts}
     * gives the clients of the merchant's other accounts ({@link #forAccount}).
     */
    public ApsClient(String account, GatewayProperties settings, CallBudget budget, java.util.function.Function<String, ApsClient> otherAccounts) {
        this.account = account;
        this.otherAccounts = otherAccounts;
        this.settings = settings;
        this.signature = new ApsSignature(settings.signature());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .build();
        this.budget = budget;
        Metrics.gauge("billing.gateway.in.flight", inFlight);
    }

    public GatewayProperties settings() {
        return settings;
    }

    /** The account this client calls. */
    public String account() {
        return account;
    }

    /**
     * The client of account {@code name} (this one for its own, or for null): every call about a token or a ledger row
     * goes to the row's account, and its reply is checked against that account's credentials.
     */
    public ApsClient forAccount(String name) {
        if (name == null || name.equals(account)) {
            return this;
        }
        if (otherAccounts == null) {
            throw new IllegalStateException("no gateway account '" + name + "' is configured (billing.gateway.accounts." + name + ".*)");
        }
        return otherAccounts.apply(name);
    }

    /**
     * A merchant-initiated charge of a stored token ({@code eci=RECURRING}, no card security code), under the customer's
     * standing agreement: APS requires {@code token_name} and {@code agreement_id} on recurring payments. A null
     * agreement is left out (only where {@code billing.gateway.agreement-id=optional} lets it be sent).
     */
    public GatewayReply purchase(String merchantReference, Money amount, String tokenName, String customerEmail, String description,
                                 String agreementId) {
        Map<String, String> fields = chargeFields(merchantReference, amount, tokenName, customerEmail, description, "RECURRING");
        if (agreementId != null) {
            fields.put("agreement_id", agreementId);
        }
        return send(ApsCommand.PURCHASE, fields);
    }

    /** An authorization of a stored token, for verification by authorize-then-void. */
    public GatewayReply authorize(String merchantReference, Money amount, String tokenName, String customerEmail, String description,
                                  String eci) {
        return send(ApsCommand.AUTHORIZATION, chargeFields(merchantReference, amount, tokenName, customerEmail, description, eci));
    }

    /** Refunds {@code amount} of the order {@code merchantReference}; the maintenance reference is this refund's own key. */
    public GatewayReply refund(String merchantReference, String maintenanceReference, Money amount) {
        requireReference("maintenance_reference", maintenanceReference);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("merchant_reference", merchantReference);
        fields.put("maintenance_reference", maintenanceReference);
        fields.put("amount", Long.toString(amount.minorUnits()));
        fields.put("currency", amount.currency().code());
        return send(ApsCommand.REFUND, fields);
    }

    public GatewayReply voidAuthorization(String merchantReference) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("merchant_reference", merchantReference);
        return send(ApsCommand.VOID_AUTHORIZATION, fields);
    }

    /**
     * Sets a stored token's status at the gateway ({@code UPDATE_TOKEN} with {@code token_status}): INACTIVE when the
     * card is dead or the customer removed it. The request sets a state, so sending it again with the same
     * {@code merchant_reference} after an unknown outcome cannot do anything twice.
     */
    public GatewayReply updateTokenStatus(String merchantReference, String tokenName, String tokenStatus) {
        if (!tokenStatus.equals("ACTIVE") && !tokenStatus.equals("INACTIVE")) {
            throw new IllegalArgumentException("token_status must be ACTIVE or INACTIVE");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("merchant_reference", merchantReference);
        fields.put("token_name", tokenName);
        fields.put("token_status", tokenStatus);
        return send(ApsCommand.UPDATE_TOKEN, fields);
    }

    /**
     * Asks what became of an order. {@code originalCommand} says how to read its last operation's code.
     */
    public StatusCheck checkStatus(String merchantReference, ApsCommand originalCommand) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("merchant_reference", merchantReference);
        fields.put("return_third_party_response_codes", "YES");
        GatewayReply reply = send(ApsCommand.CHECK_STATUS, fields);
        if (reply.responseCode() == null) {
            return StatusCheck.notAnswered(reply);
        }
        if (reply.responseCode().endsWith("036")) {
            return StatusCheck.notFound(reply);
        }
        if (reply.outcome() != OutcomeClass.SUCCESS) {
            return StatusCheck.notAnswered(reply);
        }
        String code = reply.field("transaction_code");
        OutcomeClass transaction = ResponseCodes.classify(originalCommand, code, reply.field("acquirer_response_code"));
        return StatusCheck.found(new StatusCheck.Transaction(code, reply.field("transaction_message"), transaction,
                amount(reply.field("authorized_amount")), amount(reply.field("captured_amount")),
                amount(reply.field("refunded_amount"))), reply);
    }

    private Map<String, String> chargeFields(String merchantReference, Money amount, String tokenName, String customerEmail,
                                             String description, String eci) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("merchant_reference", merchantReference);
        fields.put("amount", Long.toString(amount.minorUnits()));
        fields.put("currency", amount.currency().code());
        fields.put("customer_email", customerEmail);
        fields.put("token_name", tokenName);
        fields.put("eci", eci);
        if (description != null && !description.isBlank()) {
            fields.put("order_description", description.length() > 150 ? description.substring(0, 150) : description);
        }
        return fields;
    }

    /** Signs and sends one request; never throws for what the gateway or the network does. */
    public GatewayReply send(ApsCommand command, Map<String, String> operationFields) {
        String reference = operationFields.get("merchant_reference");
        requireReference("merchant_reference", reference);
        Map<String, String> request = new LinkedHashMap<>();
        request.put(command.field(), command.name());
        request.put("access_code", settings.accessCode());
        request.put("merchant_identifier", settings.merchantIdentifier());
        request.put("language", settings.language());
        request.putAll(operationFields);
        request.values().removeIf(v -> v == null || v.isEmpty());
        request.put("signature", signature.sign(request, settings.requestPhrase()));
        byte[] body = ApsJson.write(request);

        GatewayReply reply;
        try {
            budget.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return GatewayReply.transportFailure(command, reference, "interrupted before sending");
        }
        inFlight.incrementAndGet();
        try {
            long started = System.nanoTime();
            reply = exchange(command, reference, body);
            Metrics.timer("billing.gateway.calls", "command", command.name(), "outcome", reply.outcome().name())
                    .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        } finally {
            inFlight.decrementAndGet();
            budget.release();
        }
        if (reply.outcome() == OutcomeClass.SUCCESS) {
            log.debug("{}", reply.summary());
        } else {
            log.info("{}", reply.summary());
        }
        return reply;
    }

    private GatewayReply exchange(ApsCommand command, String reference, byte[] body) {
        HttpRequest httpRequest = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            return GatewayReply.transportFailure(command, reference, GatewayReply.NO_REPLY_WITHIN + " " + settings.timeout().toMillis() + " ms");
        } catch (IOException e) {
            return GatewayReply.transportFailure(command, reference, GatewayReply.CONNECTION_FAILED + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return GatewayReply.transportFailure(command, reference, "interrupted while waiting for the reply");
        }
        if (response.statusCode() / 100 != 2) {
            return GatewayReply.transportFailure(command, reference, "HTTP " + response.statusCode());
        }
        return interpret(command, reference, response.body());
    }

    /** Reads a reply body: checks its signature and reference, then classifies its code. */
    GatewayReply interpret(ApsCommand command, String reference, byte[] body) {
        Map<String, Object> parsed;
        try {
            parsed = ApsJson.read(body);
        } catch (IllegalArgumentException e) {
            return GatewayReply.transportFailure(command, reference, "reply is not a JSON object");
        }
        if (!signature.verify(parsed, settings.responsePhrase())) {
            return GatewayReply.transportFailure(command, reference, "reply signature does not verify");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        parsed.forEach((k, v) -> fields.put(k, String.valueOf(v)));
        if (!reference.equals(fields.get("merchant_reference"))) {
            return GatewayReply.transportFailure(command, reference, "reply is for another merchant_reference");
        }
        if ((fields.containsKey("access_code") || fields.containsKey("merchant_identifier"))
                && ReceivedFields.accountRefusal(fields, settings) != null) {
            // APS echoes the request's fields: a reply whose account fields are not ours was re-arranged or is not ours
            return GatewayReply.transportFailure(command, reference, "reply's account fields are not this account's");
        }
        if (fields.containsKey("response_code") && !fields.get("response_code").matches("\\d{5}")) {
            return GatewayReply.transportFailure(command, reference, "reply's response_code is not five digits");
        }
        String code = fields.get("response_code");
        String acquirer = fields.get("acquirer_response_code");
        return new GatewayReply(command, reference, ResponseCodes.classify(command, code, acquirer), code,
                fields.get("response_message"), fields.get("fort_id"), acquirer, fields.get("authorization_code"),
                code == null ? "reply has no response_code" : null, Map.copyOf(fields));
    }

    private static void requireReference(String name, String value) {
        if (value == null || !REFERENCE.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " '" + value + "' breaks APS's rule: 1 to 40 letters, digits, '-', '_' or '.'");
        }
    }

    private static long amount(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public URI url() {
        return settings.url();
    }

    @Override
    public void close() {
        // Java 17's HttpClient has no close(); its connections end with the JVM or when idle.
        budget.close();
    }
}
