package dev.billing.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.operations.JobRunner;
import dev.billing.reconciliation.ExceptionsReport;
import dev.billing.support.EngineThreads;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox and the merchant's webhooks against the embedded PostgreSQL and a receiver in this JVM: a night's events are
 * written with its changes (a rolled-back change leaves none), each endpoint gets the types it takes, signed as Standard
 * Webhooks says, once; an endpoint that fails, redirects or hangs is tried again later and holds up no other; an event
 * too old is given up for a person, and an operator's resend makes it due again.
 */
@EngineTest
class EventsFunctionalTests {

    private static final LocalDate D = LocalDate.of(2026, 11, 27);
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /** One request as the receiver got it. */
    record Received(String path, String id, String timestamp, String signature, String body) {
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    EngineThreads threads;
    @Autowired
    JobRunner runner;
    @Autowired
    Outbox outbox;
    @Autowired
    ExceptionsReport exceptions;

    private Fixtures fixtures;
    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final CountDownLatch hangUntil = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws Exception {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
        receiver = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        receiver.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(32));
        receiver.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                received.add(new Received(path, exchange.getRequestHeaders().getFirst("webhook-id"),
                        exchange.getRequestHeaders().getFirst("webhook-timestamp"), exchange.getRequestHeaders().getFirst("webhook-signature"),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                if (path.equals("/hang")) {
                    hangUntil.await(30, TimeUnit.SECONDS);
                }
                if (path.equals("/redirect")) {
                    exchange.getResponseHeaders().add("Location", "/moved");
                }
                exchange.sendResponseHeaders(answers.getOrDefault(path, 204), -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        receiver.start();
        answers.put("/fail", 500);
        answers.put("/redirect", 302);
    }

    @AfterEach
    void tearDown() {
        hangUntil.countDown();
        receiver.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + path);
    }

    private EventDispatcher dispatcher(Duration timeout, Duration giveUpAfter, EventsProperties.Endpoint... endpoints) {
        // a minute between attempts: what failed is not due again within one test's delivery
        return new EventDispatcher(jdbc, transactionManager, new EventsProperties(List.of(endpoints), timeout,
                List.of(Duration.ofMinutes(1)), giveUpAfter, 8, null, null), threads, List.of());
    }

    private EventsProperties.Endpoint endpoint(String name, String path, String types) {
        return new EventsProperties.Endpoint(name, url(path), types, SECRET, null);
    }

    private List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Test
    void aNightsEventsAreWrittenWithItsChangesAndEachEndpointGetsTheTypesItTakesSignedOnce() throws Exception {
        fixtures.token("good", "VERIFIED");
        fixtures.token("tok-insufficient-funds-1", "VERIFIED");
        fixtures.token("tok-lost-card-1", "VERIFIED");
        fixtures.order("E-OK", "good", 1250, "AED", "SHIPPED", null);
        fixtures.order("E-SOFT", "tok-insufficient-funds-1", 1000, "AED", "SHIPPED", null);
        fixtures.order("E-HARD", "tok-lost-card-1", 3000, "KWD", "SHIPPED", null);
        runner.run("charge-orders", D);

        Map<String, String> types = new java.util.HashMap<>();
        jdbc.query("SELECT type, body FROM outbox", (java.sql.ResultSet rs) -> {
            types.merge(rs.getString(1), rs.getString(2), (a, b) -> a + "\n" + b);
        });
        assertThat(types.keySet()).contains("charge.succeeded", "charge.declined", "charge.failed", "token.invalid");
        assertThat(types.get("charge.succeeded")).contains("\"order_id\":\"E-OK\"").contains("\"amount_minor\":1250")
                .contains("\"attempt_reference\":\"CH-E-OK-1\"");
        assertThat(types.get("charge.declined")).contains("\"order_id\":\"E-SOFT\"").contains("\"next_attempt_on\":\"").contains("\"reason\":\"");
        assertThat(types.get("charge.failed")).contains("\"order_id\":\"E-HARD\"").contains("\"currency\":\"KWD\"");
        assertThat(types.get("token.invalid")).contains("\"token_name\":\"tok-lost-card-1\"");
        // no card number in any event's data (its id is random hex, which may hold long runs of digits)
        assertThat(jdbc.queryForList("SELECT body::json ->> 'data' FROM outbox", String.class))
                .allSatisfy(data -> assertThat(data).doesNotContainPattern("\\d{13,19}"));

        EventDispatcher events = dispatcher(Duration.ofSeconds(5), Duration.ofDays(3), endpoint("all", "/all", "*"),
                endpoint("charges", "/charges", "charge.succeeded, charge.failed"));
        EventDispatcher.Pass pass = events.deliverDue(Duration.ofSeconds(20));

        int written = jdbc.queryForObject("SELECT count(*) FROM outbox", Integer.class);
        assertThat(at("/all")).hasSize(written);
        assertThat(at("/charges")).extracting(r -> r.body().contains("\"type\":\"charge.succeeded\"") || r.body().contains("\"type\":\"charge.failed\""))
                .containsExactly(true, true);
        assertThat(pass.delivered()).isEqualTo(written + 2L);
        WebhookSignature check = new WebhookSignature(SECRET);
        for (Received r : received) {
            assertThat(check.verifies(r.id(), Long.parseLong(r.timestamp()), r.body(), r.signature())).as(r.toString()).isTrue();
            assertThat(r.body()).startsWith("{\"id\":\"" + r.id() + "\",\"type\":\"");
            assertThat(jdbc.queryForObject("SELECT body FROM outbox WHERE event_id = ?", String.class, r.id())).isEqualTo(r.body());
        }
        assertThat(received.stream().map(r -> r.path() + r.id()).distinct().count()).isEqualTo(received.size());

        // delivered once: nothing more is due
        assertThat(events.deliverDue(Duration.ofSeconds(5)).nothing()).isTrue();
        assertThat(received).hasSize(written + 2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_deliveries WHERE status = 'DELIVERED' AND attempts = 1", Integer.class))
                .isEqualTo(written + 2);
    }

    @Test
    void anEventOfAChangeRolledBackIsNeverWritten() {
        TransactionTemplate tx = new TransactionTemplate(transactionManager);
        tx.executeWithoutResult(status -> {
            outbox.append(EventType.NIGHT_COMPLETED, Map.of("job_execution_id", 1L));
            status.setRollbackOnly();
        });
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox", Integer.class)).isZero();
    }

    @Test
    void anEndpointThatFailsRedirectsOrHangsIsTriedAgainLaterAndHoldsUpNoOther() throws Exception {
        for (int i = 0; i < 20; i++) {
            outbox.append(EventType.NIGHT_COMPLETED, Map.of("job_execution_id", (long) i));
        }
        EventDispatcher events = dispatcher(Duration.ofSeconds(4), Duration.ofDays(3), endpoint("ok", "/ok", "*"),
                endpoint("fail", "/fail", "*"), endpoint("redirect", "/redirect", "*"), endpoint("hang", "/hang", "*"));
        java.util.concurrent.Future<EventDispatcher.Pass> pass = java.util.concurrent.Executors.newSingleThreadExecutor()
                .submit(() -> events.deliverDue(Duration.ofSeconds(60)));

        // every event reaches the good endpoint while the hanging one still waits for its first answers
        await().atMost(Duration.ofSeconds(3)).until(() -> at("/ok").size() == 20);
        assertThat(pass.isDone()).isFalse();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_deliveries WHERE endpoint = 'ok' AND status = 'DELIVERED'", Integer.class))
                .isEqualTo(20);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_deliveries WHERE endpoint = 'hang' AND attempts > 0", Integer.class)).isZero();

        EventDispatcher.Pass done = pass.get(60, TimeUnit.SECONDS);
        assertThat(done.delivered()).isEqualTo(20);
        assertThat(done.retried()).isEqualTo(60);
        assertThat(at("/moved")).isEmpty();
        Map<String, Object> failed = jdbc.queryForMap("""
                SELECT count(*) AS n, min(attempts) AS a, min(last_status) AS s, bool_and(next_attempt_at > now()) AS later
                FROM event_deliveries WHERE endpoint = 'fail' AND status = 'PENDING'""");
        assertThat(failed).containsEntry("n", 20L).containsEntry("a", 1).containsEntry("s", 500).containsEntry("later", true);
        assertThat(jdbc.queryForList("SELECT DISTINCT last_error FROM event_deliveries WHERE endpoint = 'redirect'", String.class))
                .containsExactly("HTTP 302 (a redirect, not followed)");
        assertThat(jdbc.queryForList("SELECT DISTINCT last_error FROM event_deliveries WHERE endpoint = 'hang'", String.class))
                .singleElement().asString().contains("Timeout");

        // too old to try again: given up for a person; an operator's resend makes one due again
        jdbc.update("UPDATE event_deliveries SET next_attempt_at = now() WHERE endpoint = 'fail'");
        EventDispatcher strict = dispatcher(Duration.ofSeconds(4), Duration.ZERO, endpoint("fail", "/fail", "*"));
        assertThat(strict.deliverDue(Duration.ofSeconds(20)).gaveUp()).isEqualTo(20);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_deliveries WHERE endpoint = 'fail' AND status = 'GAVE_UP' AND attempts = 2",
                Integer.class)).isEqualTo(20);
        String one = jdbc.queryForObject("SELECT min(event_id) FROM event_deliveries WHERE endpoint = 'fail'", String.class);
        assertThat(new EventDeliveries(jdbc).resend(one, "fail")).isTrue();
        assertThat(new EventDeliveries(jdbc).resend(one, "no-such-endpoint")).isFalse();
        answers.put("/fail", 200);
        assertThat(strict.deliverDue(Duration.ofSeconds(20)).delivered()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT status FROM event_deliveries WHERE endpoint = 'fail' AND event_id = ?", String.class, one))
                .isEqualTo("DELIVERED");
        // the ones still given up are in the exceptions report, for a person; the one resent is not
        assertThat(exceptions.rows(LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1)).stream().filter(r -> r.type().equals("WEBHOOK_GAVE_UP")))
                .hasSize(19).noneMatch(r -> r.reference().equals(one))
                .allSatisfy(r -> assertThat(r.detail()).contains("to endpoint fail given up after 2 attempts (HTTP 500)"));
    }

    /**
     * Retention: an old event every endpoint has is deleted with its deliveries; an old one still pending, given up or
     * taken as a notice stays, as does a recent one; a second pass finds nothing more.
     */
    @Test
    void eventsPastTheirRetentionThatNothingNeedsAreDeletedAndTheOthersKept() {
        fixtures.token("tok-kept");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(outbox.append(EventType.NIGHT_COMPLETED, Map.of("job_execution_id", (long) i)));
        }
        EventDispatcher dispatcher = dispatcher(Duration.ofSeconds(1), Duration.ofDays(3), endpoint("a", "/ok", "*"), endpoint("b", "/ok", "*"));
        assertThat(dispatcher.fanOut()).isEqualTo(6);
        // 0 and 1 delivered everywhere, 2 pending at b, 3 given up at b, 4 delivered and taken as a notice: all a month old;
        // 5 delivered everywhere, an hour old
        jdbc.update("UPDATE event_deliveries SET status = 'DELIVERED', delivered_at = now()");
        jdbc.update("UPDATE event_deliveries SET status = 'PENDING' WHERE event_id = ? AND endpoint = 'b'", ids.get(2));
        jdbc.update("UPDATE event_deliveries SET status = 'GAVE_UP' WHERE event_id = ? AND endpoint = 'b'", ids.get(3));
        jdbc.update("INSERT INTO notices (event_id, kind, customer_id, token_name) VALUES (?, 'TOKEN_INVALID', 'C-1', 'tok-kept')", ids.get(4));
        jdbc.update("UPDATE outbox SET occurred_at = now() - interval '31 days' WHERE event_id = ANY (?)",
                (Object) ids.subList(0, 5).toArray(String[]::new));
        jdbc.update("UPDATE outbox SET occurred_at = now() - interval '1 hour' WHERE event_id = ?", ids.get(5));
        outbox.append(EventType.NIGHT_COMPLETED, Map.of("job_execution_id", 99L)); // not fanned out yet: kept whatever its age
        jdbc.update("UPDATE outbox SET occurred_at = now() - interval '40 days' WHERE NOT fanned_out");

        assertThat(dispatcher.pruneOld()).isEqualTo(2);

        assertThat(jdbc.queryForList("SELECT event_id FROM outbox WHERE fanned_out ORDER BY id", String.class))
                .containsExactly(ids.get(2), ids.get(3), ids.get(4), ids.get(5));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox WHERE NOT fanned_out", Long.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_deliveries WHERE event_id = ANY (?)", Long.class,
                (Object) ids.subList(0, 2).toArray(String[]::new))).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_deliveries", Long.class)).isEqualTo(8);
        assertThat(dispatcher.pruneOld()).isZero();
        assertThat(dispatcher.prune(java.time.Instant.now())).as("with no retention left, the hour-old one goes too").isEqualTo(1);
    }
}
