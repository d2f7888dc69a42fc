package dev.billing.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.billing.EngineProcess;
import dev.billing.EngineTest;
import dev.billing.Fixtures;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Webhook deliveries under {@code kill -9}: {@code serve} processes deliver the outbox to a receiver in this JVM and
 * are killed in the middle of it, again and again; at the end two of them deliver at once. Every event arrives (none
 * is lost), a receiver that keeps event ids sees each once (an event is posted again only when a node died between
 * posting it and recording it), every signature verifies, and no event is ever being delivered by two nodes at once.
 */
@EngineTest
@Tag("process")
class EventDeliveryRestartFunctionalTests {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final int EVENTS = 1500;
    /** Deliveries a round takes and records at once: what a node killed mid-round may have posted without recording. */
    private static final int BATCH = 16;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Outbox outbox;
    @TempDir
    Path dir;

    @Test
    void everyEventIsDeliveredAndNoneTwiceAtOnceWhateverKillsTheNodes() throws Exception {
        new Fixtures(jdbc).reset();
        // serve needs a schedule: one that does not fire while the test runs, and catches nothing up
        java.nio.file.Files.writeString(dir.resolve("later.yml"), """
                job: reconcile
                cron: "0 0 3 1 1 ?"
                zone: UTC
                business-date: same-day
                catch-up-days: 0
                """);
        List<Outbox.Event> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(new Outbox.Event(EventType.NIGHT_COMPLETED, Map.of("job_execution_id", (long) i)));
        }
        outbox.append(events);

        WebhookSignature check = new WebhookSignature(SECRET);
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        Set<String> inFlight = ConcurrentHashMap.newKeySet();
        AtomicBoolean twiceAtOnce = new AtomicBoolean();
        AtomicBoolean badSignature = new AtomicBoolean();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.setExecutor(Executors.newFixedThreadPool(32));
        receiver.createContext("/hooks", exchange -> {
            try (exchange) {
                String id = exchange.getRequestHeaders().getFirst("webhook-id");
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (!check.verifies(id, Long.parseLong(exchange.getRequestHeaders().getFirst("webhook-timestamp")), body,
                        exchange.getRequestHeaders().getFirst("webhook-signature"))) {
                    badSignature.set(true);
                }
                if (!inFlight.add(id)) {
                    twiceAtOnce.set(true);
                }
                try {
                    Thread.sleep(10); // a receiver doing some work: deliveries are in flight when a node is killed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                inFlight.remove(id);
                exchange.sendResponseHeaders(204, -1);
            }
        });
        receiver.start();
        String[] serve = {"serve", "--billing.schedules.dir=" + dir, "--server.port=0",
            "--billing.events.endpoints[0].name=merchant", "--billing.events.endpoints[0].url=http://127.0.0.1:" + receiver.getAddress().getPort()
                + "/hooks", "--billing.events.endpoints[0].secret=" + SECRET, "--billing.events.retry-waits=1s",
            "--billing.events.batch=" + BATCH};
        try {
            int kills = 3;
            for (int k = 0; k < kills; k++) {
                int before = seen.size();
                Process node = EngineProcess.start(EngineProcess.log("events-kill-" + k + ".log"), serve);
                try {
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> seen.size() >= before + 200 || !node.isAlive());
                    assertThat(node.isAlive()).as(EngineProcess.output(EngineProcess.log("events-kill-" + k + ".log"))).isTrue();
                } finally {
                    node.destroyForcibly();
                    node.waitFor(30, TimeUnit.SECONDS);
                }
            }
            assertThat(seen.size()).isLessThan(EVENTS);
            Process a = EngineProcess.start(EngineProcess.log("events-a.log"), serve);
            Process b = EngineProcess.start(EngineProcess.log("events-b.log"), serve);
            try {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> jdbc.queryForObject(
                        "SELECT count(*) FROM event_deliveries WHERE status = 'DELIVERED'", Integer.class) == EVENTS);
            } finally {
                a.destroy();
                b.destroy();
                a.waitFor(60, TimeUnit.SECONDS);
                b.waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            receiver.stop(0);
        }
        assertThat(seen).hasSize(EVENTS);
        assertThat(jdbc.queryForList("SELECT event_id FROM outbox", String.class)).containsExactlyInAnyOrderElementsOf(seen.keySet());
        long again = seen.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).count();
        // posted again only when a node died between posting and recording it: at most a round per kill
        assertThat(again).isLessThanOrEqualTo(3L * BATCH);
        assertThat(twiceAtOnce).as("an event delivered by two nodes at once").isFalse();
        assertThat(badSignature).isFalse();
    }
}
