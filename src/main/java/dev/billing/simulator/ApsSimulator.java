package dev.billing.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.billing.gateway.ApsJson;
import dev.billing.gateway.ApsReporting;
import dev.billing.gateway.ApsSignature;
import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.LocalGateway;
import dev.billing.money.CurrencyUnit;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Amazon Payment Services server-to-server endpoint ({@code POST /FortAPI/paymentApi}) on loopback.
 *
 * <p>It checks credentials and the request signature, validates fields, keeps merchant references unique
 * (a reused one is answered as a duplicate, never charged again), tracks each order's authorized, captured and
 * refunded amounts (a refund over what was captured is refused), answers CHECK_STATUS from what it recorded, and
 * signs every reply with the response phrase. Charges are scripted by token name ({@link SimulatorScripts}) and
 * faults are injected per {@link SimulatorProperties}. Records live in {@link SimulatorStore}. Its replies go out
 * without Nagle's delay when the JVM was started with {@code sun.net.httpserver.nodelay=true}, as the engine's
 * {@code main} and the tests' JVMs are.
 */
public class ApsSimulator implements AutoCloseable, LocalGateway {

    public static final String PATH = "/FortAPI/paymentApi";
    private static final Logger log = LoggerFactory.getLogger(ApsSimulator.class);
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9.@_-]+");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._+@-]+");
    private static final Set<String> ECI = Set.of("RECURRING", "MOTO", "ECOMMERCE");
    private static final Map<String, String> MESSAGES = Map.ofEntries(
            Map.entry("000", "Success"), Map.entry("001", "Missing parameter"), Map.entry("002", "Invalid parameter format"),
            Map.entry("004", "Invalid command"), Map.entry("005", "Invalid amount"), Map.entry("006", "Technical problem"),
            Map.entry("008", "Signature mismatch"), Map.entry("009", "Invalid merchant identifier"),
            Map.entry("010", "Invalid access code"), Map.entry("012", "Card expired"), Map.entry("013", "Invalid currency"),
            Map.entry("032", "Invalid parameter length"), Map.entry("033", "Value not allowed"),
            Map.entry("036", "Order not found"), Map.entry("044", "Token name does not exist"),
            Map.entry("047", "Order already processed"), Map.entry("048", "Amount exceeds captured amount"),
            Map.entry("066", "Merchant reference already exists"), Map.entry("666", "Transaction declined"),
            Map.entry("777", "The transaction has been processed, but failed to receive confirmation"),
            Map.entry("784", "Transaction still processing"));

    private final SimulatorStore store;
    private final SimulatorProperties faults;
    private final String accessCode;
    private final String merchantIdentifier;
    private final String requestPhrase;
    private final String responsePhrase;
    private final ApsSignature signature;
    private final Random random;
    private final HttpServer server;
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final SimulatorNotifier notifier;
    private final Map<String, AtomicInteger> statusChecks = new java.util.concurrent.ConcurrentHashMap<>();
    /** The currencies this merchant account may charge (empty: any), as APS configures an account's currencies. */
    private volatile Set<String> currencies = Set.of();

    /**
     * Starts a simulator on {@code port} (0: a free port) of the loopback interface. {@code credentials} holds the
     * merchant's access code, identifier, phrases and signature type; its url is ignored.
     */
    public ApsSimulator(SimulatorStore store, GatewayProperties credentials, SimulatorProperties faults, int port) throws IOException {
        this(store, credentials, faults, SimulatorNotificationProperties.off(), port);
    }

    /** A simulator that also posts a signed notification of each operation, when {@code notifications} names a URL. */
    public ApsSimulator(SimulatorStore store, GatewayProperties credentials, SimulatorProperties faults,
                        SimulatorNotificationProperties notifications, int port) throws IOException {
        this(store, credentials, credentials, faults, notifications, port);
    }

    /**
     * A simulator whose hosted page answers as {@code page}: the merchant's tokenizing (e-commerce) identifier, where it
     * is not the one that charges ({@code credentials}).
     */
    public ApsSimulator(SimulatorStore store, GatewayProperties credentials, GatewayProperties page, SimulatorProperties faults,
                        SimulatorNotificationProperties notifications, int port) throws IOException {
        this.store = store;
        this.faults = faults;
        this.accessCode = credentials.accessCode();
        this.merchantIdentifier = credentials.merchantIdentifier();
        this.requestPhrase = credentials.requestPhrase();
        this.responsePhrase = credentials.responsePhrase();
        this.signature = new ApsSignature(credentials.signature());
        this.random = faults.seed() == 0 ? new Random() : new Random(faults.seed());
        if (SimulatorNotificationProperties.SELF.equals(notifications.notificationUrl())) {
            throw new IllegalArgumentException("resolve billing.simulator.notification-url=self before starting the simulator");
        }
        this.notifier = notifications.enabled() ? new SimulatorNotifier(notifications, signature, responsePhrase, faults.seed()) : null;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(faults.threads(), r -> {
            Thread t = new Thread(r, "aps-simulator-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "aps-simulator-replies");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
        SimulatorPaymentPage hosted = new SimulatorPaymentPage(page.accessCode(), page.merchantIdentifier(), page.requestPhrase(),
                page.responsePhrase(), new ApsSignature(page.signature()));
        server.createContext(SimulatorPaymentPage.PATH, hosted::handle);
        SimulatorReporting reporting = new SimulatorReporting(store, accessCode, merchantIdentifier, requestPhrase, responsePhrase, signature,
                faults.reportMaxRows());
        server.createContext(ApsReporting.PATH, reporting::handle);
        server.start();
    }

    @Override
    public URI url() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + PATH);
    }

    /** Its Reporting API, as APS's {@code /FortAPI/reportingApi}. */
    @Override
    public URI reportingUrl() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + ApsReporting.PATH);
    }

    /** The hosted page ({@code TOKENIZATION}), as APS's {@code /FortAPI/paymentPage}. */
    @Override
    public URI pageUrl() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + SimulatorPaymentPage.PATH);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Lets this merchant account charge only {@code codes} (empty: any); a charge in another is refused, {@code 00013}. */
    public ApsSimulator chargingOnly(Set<String> codes) {
        this.currencies = Set.copyOf(codes);
        return this;
    }

    /** The merchant identifier this simulator answers as. */
    public String merchantIdentifier() {
        return merchantIdentifier;
    }

    public SimulatorStore store() {
        return store;
    }

    public int requestCount() {
        return requests.get();
    }

    /** The most requests that were being handled at the same moment. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** All the CHECK_STATUS requests this simulator answered. */
    public int statusChecks() {
        return statusChecks.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Notifications still to be sent or retried; 0 when notifications are off. */
    public int notificationsPending() {
        return notifier == null ? 0 : notifier.pending();
    }

    @Override
    public void close() {
        if (notifier != null) {
            notifier.close();
        }
        server.stop(0);
        scheduler.shutdownNow();
        executor.shutdownNow();
        store.close();
    }

    /**
     * Handles one request on a server thread: checks, records, decides the faults. The reply is sent from the
     * scheduler when latency or a slow reply is due, so waiting replies hold no thread.
     */
    private void handle(HttpExchange exchange) {
        long arrived = System.nanoTime();
        requests.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Runnable finish;
        Duration delay = Duration.ZERO;
        try {
            if (!exchange.getRequestMethod().equals("POST")) {
                finish = () -> sendStatus(exchange, 405);
            } else {
                Map<String, Object> request = null;
                try {
                    request = ApsJson.read(exchange.getRequestBody().readAllBytes());
                } catch (IllegalArgumentException e) {
                    request = null;
                }
                if (request == null) {
                    Map<String, String> invalid = Map.of("status", "00", "response_code", "00002", "response_message", MESSAGES.get("002"));
                    finish = () -> reply(exchange, invalid, false);
                } else {
                    Map<String, String> fields = new LinkedHashMap<>();
                    request.forEach((k, v) -> fields.put(k, String.valueOf(v)));
                    boolean statusCheck = "CHECK_STATUS".equals(fields.get("query_command"));
                    boolean faulty = !statusCheck || faults.faultsOnStatusChecks();
                    if (faulty && draw(faults.http500Rate())) {
                        finish = () -> sendStatus(exchange, 500);
                    } else if (faulty && draw(faults.technicalErrorRate())) {
                        Map<String, String> technical = answer(fields, "00", "006", null);
                        finish = () -> reply(exchange, technical, false);
                    } else {
                        Map<String, String> answer = process(fields, request);
                        // the latency is the gateway's whole answer time: its own work is part of it
                        delay = faults.latency().minusNanos(System.nanoTime() - arrived);
                        if (faulty && draw(faults.lostReplyRate())) {
                            finish = () -> breakConnection(exchange);
                        } else {
                            if (faulty && draw(faults.slowReplyRate())) {
                                delay = delay.plus(faults.slowReplyDelay());
                            }
                            boolean wrongSignature = faulty && draw(faults.badSignatureRate());
                            finish = () -> reply(exchange, answer, wrongSignature);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.error("APS simulator failed on a request: {}", e.toString());
            finish = () -> sendStatus(exchange, 500);
        }
        Runnable done = finish;
        Runnable complete = () -> {
            // counted as answered before the reply leaves: a client may send its next request the moment it has it
            inFlight.decrementAndGet();
            try {
                done.run();
            } finally {
                exchange.close();
            }
        };
        if (delay.isZero() || delay.isNegative()) {
            complete.run();
        } else {
            Future<?> unused = scheduler.schedule(complete, delay.toNanos(), TimeUnit.NANOSECONDS); // complete reports its own failures
        }
    }

    private static void sendStatus(HttpExchange exchange, int status) {
        try {
            exchange.sendResponseHeaders(status, -1);
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    /** Announces a body, sends a byte of it and closes: the client sees the connection break mid-reply. */
    private static void breakConnection(HttpExchange exchange) {
        try {
            exchange.sendResponseHeaders(200, 4096);
            exchange.getResponseBody().write('{');
            exchange.getResponseBody().flush();
        } catch (IOException e) {
            // the client went away already
        }
    }

    private Map<String, String> process(Map<String, String> fields, Map<String, Object> signedAs) {
        String problem = checkCredentials(fields, signedAs);
        if (problem != null) {
            return answer(fields, "00", problem, null);
        }
        String command = fields.containsKey("query_command") ? fields.get("query_command")
                : fields.containsKey("service_command") ? fields.get("service_command") : fields.get("command");
        if (command == null) {
            return answer(fields, "00", "001", null);
        }
        return switch (command) {
            case "PURCHASE", "AUTHORIZATION" -> charge(command, fields);
            case "REFUND" -> refund(fields);
            case "VOID_AUTHORIZATION" -> voidAuthorization(fields);
            case "CHECK_STATUS" -> checkStatus(fields);
            case "UPDATE_TOKEN" -> updateToken(fields);
            default -> answer(fields, "00", "004", null);
        };
    }

    private String checkCredentials(Map<String, String> f, Map<String, Object> signedAs) {
        for (String required : new String[] {"access_code", "merchant_identifier", "language", "signature", "merchant_reference"}) {
            if (isBlank(f.get(required))) {
                return "001";
            }
        }
        if (!f.get("merchant_identifier").equals(merchantIdentifier)) {
            return "009";
        }
        if (!f.get("access_code").equals(accessCode)) {
            return "010";
        }
        if (!signature.verify(signedAs, requestPhrase)) {
            return "008";
        }
        if (!f.get("language").equals("en") && !f.get("language").equals("ar")) {
            return "033";
        }
        String reference = f.get("merchant_reference");
        if (reference.length() > 40) {
            return "032";
        }
        if (!REFERENCE.matcher(reference).matches()) {
            return "002";
        }
        return null;
    }

    private Map<String, String> charge(String command, Map<String, String> f) {
        for (String required : new String[] {"amount", "currency", "customer_email", "token_name", "eci"}) {
            if (isBlank(f.get(required))) {
                return answer(f, "00", "001", null);
            }
        }
        if (f.get("token_name").length() > 100 || f.get("customer_email").length() > 254) {
            return answer(f, "00", "032", null);
        }
        if (!TOKEN.matcher(f.get("token_name")).matches() || !EMAIL.matcher(f.get("customer_email")).matches()) {
            return answer(f, "00", "002", null);
        }
        if (!currencies.isEmpty() && !currencies.contains(f.get("currency"))) {
            return answer(f, "00", "013", null);
        }
        if (!ECI.contains(f.get("eci")) || (f.get("eci").equals("RECURRING") && !command.equals("PURCHASE"))) {
            return answer(f, "00", "033", null);
        }
        if (faults.strict() && f.get("eci").equals("RECURRING") && isBlank(f.get("agreement_id"))) {
            // APS: recurring payments require token_name and agreement_id; a mandatory parameter missing is 00001
            return answer(f, "00", "001", null);
        }
        Optional<CurrencyUnit> currency = CurrencyUnit.of(f.get("currency"));
        if (currency.isEmpty()) {
            return answer(f, "00", "013", null);
        }
        long amount = parseAmount(f.get("amount"));
        if (amount <= 0) {
            return answer(f, "00", "005", null);
        }
        boolean purchase = command.equals("PURCHASE");
        String successStatus = purchase ? "14" : "02";
        String failureStatus = purchase ? "13" : "03";
        SimulatorScripts.Script script = SimulatorScripts.forToken(f.get("token_name"));
        String status = successStatus;
        String message = "000";
        String acquirer = null;
        String recorded = successStatus + "000";
        if (script != null) {
            status = script.status().equals("13") ? failureStatus : script.status();
            message = script.message();
            acquirer = script.acquirerCode();
            recorded = script.recordedCode() == null ? status + message
                    : script.recordedCode().equals("14000") ? successStatus + "000" : script.recordedCode();
        }
        boolean succeeded = recorded.equals(successStatus + "000");
        String authorizationCode = succeeded ? String.format("%06d", Math.floorMod(f.get("merchant_reference").hashCode(), 1_000_000)) : null;
        SimulatorStore.Inserted inserted = store.insertOrder(merchantIdentifier, f.get("merchant_reference"), command, f.get("token_name"),
                f.get("customer_email"), amount, currency.get().code(), recorded, messageFor(recorded.substring(2)), acquirer,
                authorizationCode, succeeded ? amount : 0, succeeded && purchase ? amount : 0, recorded, messageFor(recorded.substring(2)),
                f.get("agreement_id"));
        if (inserted.fortId().isEmpty()) {
            return answer(f, "00", "066", null);
        }
        if (inserted.tokenInactive()) {
            return notified(answer(f, failureStatus, SimulatorStore.INACTIVE_TOKEN_MESSAGE, inserted.fortId().get()), null);
        }
        Map<String, String> reply = answer(f, status, message, inserted.fortId().get());
        if (acquirer != null) {
            reply.put("acquirer_response_code", acquirer);
        }
        if (succeeded) {
            reply.put("authorization_code", authorizationCode);
            reply.put("payment_option", "VISA");
            reply.put("card_number", "400555******0001");
            reply.put("expiry_date", "2912");
        }
        Map<String, String> finalAnswer = null;
        if (!recorded.equals(status + message)) {
            finalAnswer = new LinkedHashMap<>(reply);
            finalAnswer.put("status", recorded.substring(0, 2));
            finalAnswer.put("response_code", recorded);
            finalAnswer.put("response_message", messageFor(recorded.substring(2)));
        }
        if (!(succeeded && status.equals(successStatus))) {
            reply.remove("authorization_code");
            reply.remove("payment_option");
            reply.remove("card_number");
            reply.remove("expiry_date");
        }
        return notified(reply, finalAnswer);
    }

    /** Posts the notification of an operation carried out (when notifications are on); returns the answer. */
    private Map<String, String> notified(Map<String, String> answer, Map<String, String> finalAnswer) {
        if (notifier != null) {
            notifier.operation(Map.copyOf(answer), finalAnswer == null ? null : Map.copyOf(finalAnswer));
        }
        return answer;
    }

    private Map<String, String> refund(Map<String, String> f) {
        if (isBlank(f.get("amount")) || isBlank(f.get("currency"))) {
            return answer(f, "00", "001", null);
        }
        String maintenance = f.get("maintenance_reference");
        if (maintenance != null && (maintenance.length() > 40 || !REFERENCE.matcher(maintenance).matches())) {
            return answer(f, "00", "002", null);
        }
        long amount = parseAmount(f.get("amount"));
        if (amount <= 0) {
            return answer(f, "00", "005", null);
        }
        SimulatorStore.Maintenance result = store.refund(merchantIdentifier, f.get("merchant_reference"), maintenance, amount, f.get("currency"));
        String code = result.responseCode();
        Map<String, String> reply = answer(f, code.substring(0, 2), code.substring(2), result.order() == null ? null : result.order().fortId());
        return result.order() == null ? reply : notified(reply, null);
    }

    private Map<String, String> voidAuthorization(Map<String, String> f) {
        SimulatorStore.Maintenance result = store.voidAuthorization(merchantIdentifier, f.get("merchant_reference"));
        String code = result.responseCode();
        Map<String, String> reply = answer(f, code.substring(0, 2), code.substring(2), result.order() == null ? null : result.order().fortId());
        return result.order() == null ? reply : notified(reply, null);
    }

    /**
     * {@code UPDATE_TOKEN} with {@code token_status} ACTIVE or INACTIVE: {@code 58000}, or {@code 59044} for a token
     * scripted as unknown. A charge on an INACTIVE token is then refused. A reference used before gets its first answer.
     */
    private Map<String, String> updateToken(Map<String, String> f) {
        if (isBlank(f.get("token_name"))) {
            return answer(f, "00", "001", null);
        }
        if (f.get("token_name").length() > 100) {
            return answer(f, "00", "032", null);
        }
        if (!TOKEN.matcher(f.get("token_name")).matches()) {
            return answer(f, "00", "002", null);
        }
        String wanted = f.get("token_status");
        if (wanted != null && !wanted.equals("ACTIVE") && !wanted.equals("INACTIVE")) {
            return answer(f, "00", "033", null);
        }
        SimulatorScripts.Script script = SimulatorScripts.forToken(f.get("token_name"));
        boolean unknownToken = script != null && script.message().equals("044");
        String tokenStatus = wanted == null ? store.tokenStatus(merchantIdentifier, f.get("token_name")) : wanted;
        String code = store.updateToken(merchantIdentifier, f.get("merchant_reference"), f.get("token_name"), tokenStatus,
                unknownToken ? "59044" : "58000");
        Map<String, String> reply = answer(f, code.substring(0, 2), code.substring(2), null);
        if (code.startsWith("58")) {
            reply.put("token_status", store.tokenStatus(merchantIdentifier, f.get("token_name")));
        }
        return notified(reply, null);
    }

    private Map<String, String> checkStatus(Map<String, String> f) {
        statusChecks.computeIfAbsent(f.get("merchant_reference"), r -> new AtomicInteger()).incrementAndGet();
        Optional<SimulatorStore.Order> found = store.find(merchantIdentifier, f.get("merchant_reference"));
        if (found.isEmpty()) {
            return answer(f, "12", "036", null);
        }
        SimulatorStore.Order order = found.get();
        Map<String, String> reply = answer(f, "12", "000", order.fortId());
        reply.put("transaction_status", order.lastCode().substring(0, 2));
        reply.put("transaction_code", order.lastCode());
        reply.put("transaction_message", order.lastMessage());
        reply.put("authorized_amount", Long.toString(order.authorizedAmount()));
        reply.put("captured_amount", Long.toString(order.capturedAmount()));
        reply.put("refunded_amount", Long.toString(order.refundedAmount()));
        reply.put("currency", order.currency());
        if (order.authorizationCode() != null) {
            reply.put("authorization_code", order.authorizationCode());
        }
        if (order.acquirerResponseCode() != null) {
            reply.put("acquirer_response_code", order.acquirerResponseCode());
        }
        return reply;
    }

    /** The request's fields echoed (all but the signature), with the outcome added. Never an empty value. */
    private Map<String, String> answer(Map<String, String> request, String status, String message, String fortId) {
        Map<String, String> reply = new LinkedHashMap<>();
        request.forEach((k, v) -> {
            if (!k.equals("signature") && v != null && !v.isEmpty()) {
                reply.put(k, v);
            }
        });
        reply.put("status", status);
        reply.put("response_code", status + message);
        boolean arabic = "ar".equals(request.get("language")) && message.equals("000");
        reply.put("response_message", arabic ? "عملية ناجحة" : messageFor(message));
        if (fortId != null) {
            reply.put("fort_id", fortId);
        }
        return reply;
    }

    private void reply(HttpExchange exchange, Map<String, String> answer, boolean wrongSignature) {
        Map<String, String> signed = new LinkedHashMap<>(answer);
        signed.put("signature", signature.sign(answer, wrongSignature ? responsePhrase + "-wrong" : responsePhrase));
        byte[] body = ApsJson.write(signed);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        try {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException e) {
            // the client went away (it timed out, say); the operation stays recorded
        }
    }

    private static String messageFor(String message) {
        return MESSAGES.getOrDefault(message, "Declined");
    }

    private boolean draw(double rate) {
        if (rate <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < rate;
        }
    }

    private static long parseAmount(String text) {
        if (text == null || !text.matches("\\d{1,10}")) {
            return -1;
        }
        return Long.parseLong(text);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
