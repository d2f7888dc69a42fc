package dev.billing.simulator;

import dev.billing.gateway.ApsForm;
import dev.billing.gateway.ApsJson;
import dev.billing.gateway.ApsSignature;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts the simulator's notifications to the merchant's URL, signed with the response phrase, as APS does after each
 * operation, with faults of its own (lost, duplicated, delayed, out of order, badly signed) and APS's retries while
 * the endpoint does not answer 2xx.
 */
final class SimulatorNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatorNotifier.class);
    /** Between an interim notification and the final one of the same operation. */
    private static final Duration INTERIM_GAP = Duration.ofMillis(50);

    private final SimulatorNotificationProperties settings;
    private final ApsSignature signature;
    private final String responsePhrase;
    private final Random random;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService senders;
    private final AtomicInteger pending = new AtomicInteger();

    SimulatorNotifier(SimulatorNotificationProperties settings, ApsSignature signature, String responsePhrase, long seed) {
        this.settings = settings;
        this.signature = signature;
        this.responsePhrase = responsePhrase;
        this.random = seed == 0 ? new Random() : new Random(seed + 1);
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newScheduledThreadPool(4, r -> {
            Thread t = new Thread(r, "aps-simulator-notify-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Notifications still to be sent or retried. */
    int pending() {
        return pending.get();
    }

    /**
     * Notifies one operation: its answer, and when the answer was an interim status (pending, on hold), the final
     * one after it ({@code finalAnswer}, else null).
     */
    void operation(Map<String, String> answer, Map<String, String> finalAnswer) {
        long delay = settings.notificationMaxDelay().isZero() ? 0 : (long) (draw() * settings.notificationMaxDelay().toMillis());
        if (finalAnswer == null) {
            post(answer, delay);
            return;
        }
        boolean reversed = draw() < settings.notificationOutOfOrderRate();
        post(reversed ? finalAnswer : answer, delay);
        post(reversed ? answer : finalAnswer, delay + INTERIM_GAP.toMillis());
    }

    private void post(Map<String, String> fields, long delayMs) {
        if (draw() < settings.notificationLostRate()) {
            return;
        }
        Map<String, String> signed = new LinkedHashMap<>(fields);
        boolean wrong = draw() < settings.notificationBadSignatureRate();
        signed.put("signature", signature.sign(fields, wrong ? responsePhrase + "-wrong" : responsePhrase));
        int copies = draw() < settings.notificationDuplicateRate() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            pending.incrementAndGet();
            schedule(signed, 1, delayMs + i * 20L);
        }
    }

    private void schedule(Map<String, String> signed, int sendNumber, long delayMs) {
        Future<?> unused = senders.schedule(() -> send(signed, sendNumber), delayMs, TimeUnit.MILLISECONDS); // send reports its own failures
    }

    /** Sends without holding a thread while the endpoint works: many notifications are in flight at once, as from APS. */
    private void send(Map<String, String> signed, int sendNumber) {
        boolean json = settings.notificationFormat().equals("json");
        byte[] body = json ? ApsJson.write(signed) : ApsForm.encode(signed);
        HttpRequest request = HttpRequest.newBuilder(settings.uri())
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", json ? "application/json;charset=UTF-8" : "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        Future<?> unused = http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> { // it handles its own failure
            if (failure == null && (response.statusCode() / 100 == 2 || response.statusCode() == 302)) {
                pending.decrementAndGet();
                return;
            }
            String problem = failure != null ? failure.getClass().getSimpleName() : "HTTP " + response.statusCode();
            if (sendNumber < settings.notificationRetries() && !senders.isShutdown()) {
                schedule(signed, sendNumber + 1, settings.notificationRetryDelay().toMillis());
            } else {
                pending.decrementAndGet();
                log.warn("APS simulator: a notification to {} was not taken after {} sends (last: {})", settings.uri(), sendNumber, problem);
            }
        });
    }


    private double draw() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
