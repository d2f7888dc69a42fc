package dev.billing.events;

import dev.billing.support.EngineThreads;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers the outbox to the merchant's webhook endpoints, at least once. First each new event is fanned out: a
 * delivery row per endpoint that takes its type. Then each endpoint is served by a loop of its own, so that one that
 * hangs, fails or answers slowly holds up no other: it takes up to {@code batch} due deliveries, locked
 * ({@code FOR UPDATE SKIP LOCKED}: another node passes them by while they are being delivered, and a node that dies
 * releases them at once), posts them {@code per-endpoint} at a time, each signed as Standard Webhooks says, and
 * records what came of it in the same
 * transaction: a 2xx is delivered; anything else (another status, a redirect, which is never followed, a timeout, a
 * refused connection) is tried again after a growing wait, and given up for a person once the event is older than
 * {@code give-up-after}. The receiver keeps the {@code webhook-id}: a delivery whose answer was lost (a crash between
 * the post and the commit) is posted again with the same id.
 */
@Component
public class EventDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    /** What a pass delivered, retried and gave up. */
    public record Pass(long delivered, long retried, long gaveUp) {

        Pass plus(Pass other) {
            return new Pass(delivered + other.delivered, retried + other.retried, gaveUp + other.gaveUp);
        }

        public boolean nothing() {
            return delivered + retried + gaveUp == 0;
        }
    }

    private record Due(String eventId, int attempts, String body, Instant occurredAt) {
    }

    private record Outcome(Due due, Integer status, String error) {

        boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
    }

    /** How often serve's fan-out loop deletes the events past their retention. */
    static final Duration PRUNE_EVERY = Duration.ofHours(1);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final EventsProperties settings;
    private final EngineThreads threads;
    /** Built on the first delivery: most commands deliver nothing, and building one loads TLS. */
    private volatile HttpClient http;
    private final Map<String, WebhookSignature> signatures = new LinkedHashMap<>();
    private volatile boolean running;
    private final List<Thread> loops = new ArrayList<>();
    private final List<ExecutorService> senders = new ArrayList<>();
    private final AtomicLong delivered = new AtomicLong();

    private final List<OutboxConsumer> consumers;

    public EventDispatcher(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, EventsProperties settings,
                           EngineThreads threads, List<OutboxConsumer> consumers) {
        this.jdbc = jdbc;
        this.consumers = List.copyOf(consumers);
        this.transaction = new TransactionTemplate(transactionManager);
        this.settings = settings;
        this.threads = threads;
        for (EventsProperties.Endpoint endpoint : settings.endpoints()) {
            signatures.put(endpoint.name(), new WebhookSignature(endpoint.resolvedSecret()));
        }
    }

    /** Whether any endpoint is configured. */
    public boolean hasEndpoints() {
        return !settings.endpoints().isEmpty();
    }

    /** Deliveries made by this process so far. */
    public long deliveredSoFar() {
        return delivered.get();
    }

    /**
     * Writes the deliveries of events not fanned out yet, a thousand at a time, and hands each batch to the other
     * consumers (the customer notices) in the same transaction; returns how many events it took. An event no endpoint
     * takes is only marked (it stays in the outbox, the record of what happened).
     */
    public int fanOut() {
        int total = 0;
        while (true) {
            Integer taken = transaction.execute(status -> {
                List<Map<String, Object>> events = jdbc.queryForList("""
                        SELECT id, event_id, type FROM outbox WHERE NOT fanned_out ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED""");
                if (events.isEmpty()) {
                    return 0;
                }
                List<Object[]> deliveries = new ArrayList<>();
                for (Map<String, Object> event : events) {
                    EventType type = EventType.of((String) event.get("type"));
                    for (EventsProperties.Endpoint endpoint : settings.endpoints()) {
                        if (endpoint.takes(type)) {
                            deliveries.add(new Object[] {event.get("event_id"), endpoint.name()});
                        }
                    }
                }
                if (!deliveries.isEmpty()) {
                    jdbc.batchUpdate("INSERT INTO event_deliveries (event_id, endpoint) VALUES (?, ?) ON CONFLICT DO NOTHING", deliveries);
                }
                List<Long> ids = events.stream().map(e -> ((Number) e.get("id")).longValue()).toList();
                for (OutboxConsumer consumer : consumers) {
                    consumer.take(ids);
                }
                jdbc.update("UPDATE outbox SET fanned_out = TRUE WHERE id = ANY (?)", (Object) ids.toArray(Long[]::new));
                return events.size();
            });
            if (taken == null || taken == 0) {
                return total;
            }
            total += taken;
        }
    }

    /**
     * Deletes, a few thousand per transaction, the events that happened before {@code before}, were fanned out, and that
     * nothing needs any more: every delivery of theirs made, no notice taken from them. Returns how many went. The
     * outbox is read from its oldest row up to the first one of {@code before} or later (ids follow time), so a pass
     * costs what it deletes, not the table.
     */
    public long prune(Instant before) {
        long total = 0;
        while (true) {
            Integer deleted = transaction.execute(status -> {
                Long[] ids = jdbc.queryForList("""
                        SELECT o.id FROM outbox o
                        WHERE o.id < COALESCE((SELECT id FROM outbox WHERE occurred_at >= ? ORDER BY id LIMIT 1), 9223372036854775807)
                          AND o.fanned_out AND o.occurred_at < ?
                          AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = o.event_id AND d.status <> 'DELIVERED')
                          AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.event_id = o.event_id)
                        ORDER BY o.id LIMIT 5000 FOR UPDATE OF o SKIP LOCKED""", Long.class,
                        Timestamp.from(before), Timestamp.from(before)).toArray(Long[]::new);
                if (ids.length == 0) {
                    return 0;
                }
                jdbc.update("DELETE FROM event_deliveries d USING outbox o WHERE o.id = ANY (?) AND d.event_id = o.event_id", (Object) ids);
                jdbc.update("DELETE FROM outbox WHERE id = ANY (?)", (Object) ids);
                return ids.length;
            });
            if (deleted == null || deleted == 0) {
                return total;
            }
            total += deleted;
        }
    }

    /** {@link #prune} of what is older than {@code billing.events.retention}; nothing when it is 0. */
    public long pruneOld() {
        if (settings.retention().isZero()) {
            return 0;
        }
        long pruned = prune(Instant.now().minus(settings.retention()));
        if (pruned > 0) {
            log.info("Deleted {} events older than {} from the outbox (billing.events.retention)", pruned, settings.retention());
        }
        return pruned;
    }

    /**
     * Delivers what is due now, every endpoint at once, until nothing is due or {@code within} has passed (what
     * {@code run} and {@code demo} do at the end of a night). What fails is left for its next attempt.
     */
    public Pass deliverDue(Duration within) throws InterruptedException {
        fanOut();
        if (settings.endpoints().isEmpty()) {
            return new Pass(0, 0, 0);
        }
        long deadline = System.nanoTime() + within.toNanos();
        ExecutorService pool = threads.pool("events", settings.endpoints().size());
        try {
            List<Future<Pass>> passes = new ArrayList<>();
            for (EventsProperties.Endpoint endpoint : settings.endpoints()) {
                passes.add(pool.submit(() -> {
                    Pass sum = new Pass(0, 0, 0);
                    ExecutorService sending = threads.pool("events-" + endpoint.name(), settings.perEndpoint());
                    try {
                        while (System.nanoTime() < deadline) {
                            Pass pass = deliverOnce(endpoint, sending);
                            sum = sum.plus(pass);
                            if (pass.nothing()) {
                                break;
                            }
                        }
                    } finally {
                        sending.shutdownNow();
                    }
                    return sum;
                }));
            }
            Pass total = new Pass(0, 0, 0);
            for (Future<Pass> pass : passes) {
                try {
                    total = total.plus(pass.get());
                } catch (ExecutionException e) {
                    log.warn("Delivering events failed: {}", e.getCause().toString());
                }
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Delivers continuously in the background (what {@code serve} does): a loop per endpoint, looking for due
     * deliveries every {@code every} when it found none.
     */
    public synchronized void start(Duration every) {
        if (running || (settings.endpoints().isEmpty() && consumers.isEmpty())) {
            return;
        }
        running = true;
        Thread fan = threads.thread("events-fan-out", () -> {
            long nextPrune = System.nanoTime();
            while (running) {
                try {
                    fanOut();
                    if (System.nanoTime() - nextPrune >= 0) {
                        nextPrune = System.nanoTime() + PRUNE_EVERY.toNanos();
                        pruneOld();
                    }
                } catch (RuntimeException e) {
                    log.warn("Fanning out events failed: {}; trying again", e.toString());
                }
                sleep(every);
            }
        });
        loops.add(fan);
        for (EventsProperties.Endpoint endpoint : settings.endpoints()) {
            ExecutorService sending = threads.pool("events-" + endpoint.name() + "-send", settings.perEndpoint());
            senders.add(sending);
            loops.add(threads.thread("events-" + endpoint.name(), () -> {
                while (running) {
                    Pass pass;
                    try {
                        pass = deliverOnce(endpoint, sending);
                    } catch (RuntimeException e) {
                        log.warn("Delivering events to {} failed: {}; trying again", endpoint.name(), e.toString());
                        pass = new Pass(0, 0, 0);
                    }
                    if (pass.nothing()) {
                        sleep(every);
                    }
                }
            }));
        }
        loops.forEach(Thread::start);
    }

    private void sleep(Duration every) {
        try {
            Thread.sleep(every.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * One round for one endpoint, in one transaction: up to {@code batch} due deliveries taken and locked, posted
     * {@code per-endpoint} at a time (on {@code sending}, the endpoint's own threads), and what came of each written before
     * the locks go.
     */
    private Pass deliverOnce(EventsProperties.Endpoint endpoint, ExecutorService sending) {
        Pass pass = transaction.execute(status -> {
            List<Due> due = jdbc.query("""
                    SELECT d.event_id, d.attempts, o.body, o.occurred_at FROM event_deliveries d JOIN outbox o ON o.event_id = d.event_id
                    WHERE d.endpoint = ? AND d.status = 'PENDING' AND d.next_attempt_at <= now()
                    ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE OF d SKIP LOCKED""",
                    (rs, n) -> new Due(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getTimestamp(4).toInstant()),
                    endpoint.name(), settings.batch());
            if (due.isEmpty()) {
                return new Pass(0, 0, 0);
            }
            List<Future<Outcome>> posts = new ArrayList<>();
            for (Due d : due) {
                posts.add(sending.submit(() -> post(endpoint, d)));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < posts.size(); i++) {
                try {
                    outcomes.add(posts.get(i).get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while delivering events", e);
                } catch (ExecutionException e) {
                    outcomes.add(new Outcome(due.get(i), null, e.getCause().toString()));
                }
            }
            return record(endpoint, outcomes);
        });
        return pass == null ? new Pass(0, 0, 0) : pass;
    }

    private Outcome post(EventsProperties.Endpoint endpoint, Due due) {
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(endpoint.url()).timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "billing-engine-webhooks")
                .header("webhook-id", due.eventId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signatures.get(endpoint.name()).sign(due.eventId(), timestamp, due.body()))
                .POST(HttpRequest.BodyPublishers.ofString(due.body())).build();
        try {
            HttpResponse<Void> response = http().send(request, HttpResponse.BodyHandlers.discarding());
            return new Outcome(due, response.statusCode(), response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode()
                    + (response.statusCode() / 100 == 3 ? " (a redirect, not followed)" : ""));
        } catch (IOException e) {
            return new Outcome(due, null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(due, null, "interrupted");
        }
    }

    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout())
                            .followRedirects(HttpClient.Redirect.NEVER).build();
                }
                client = http;
            }
        }
        return client;
    }

    private Pass record(EventsProperties.Endpoint endpoint, List<Outcome> outcomes) {
        List<Object[]> done = new ArrayList<>();
        List<Object[]> again = new ArrayList<>();
        List<Object[]> givenUp = new ArrayList<>();
        Instant now = Instant.now();
        for (Outcome o : outcomes) {
            int attempts = o.due().attempts() + 1;
            String error = o.error() == null ? null : o.error().length() > 300 ? o.error().substring(0, 300) : o.error();
            if (o.delivered()) {
                done.add(new Object[] {attempts, o.status(), o.due().eventId(), endpoint.name()});
            } else if (o.due().occurredAt().plus(settings.giveUpAfter()).isBefore(now)) {
                givenUp.add(new Object[] {attempts, o.status(), error, o.due().eventId(), endpoint.name()});
                log.warn("Event {} to {}: given up after {} attempts ({}); it waits for a person", o.due().eventId(), endpoint.name(),
                        attempts, error);
            } else {
                again.add(new Object[] {attempts, o.status(), error, settings.waitAfter(attempts).toMillis() + " milliseconds",
                    o.due().eventId(), endpoint.name()});
            }
        }
        if (!done.isEmpty()) {
            jdbc.batchUpdate("""
                    UPDATE event_deliveries SET status = 'DELIVERED', attempts = ?, last_status = ?, last_error = NULL, delivered_at = now()
                    WHERE event_id = ? AND endpoint = ?""", done);
        }
        if (!again.isEmpty()) {
            jdbc.batchUpdate("""
                    UPDATE event_deliveries SET attempts = ?, last_status = ?, last_error = ?, next_attempt_at = now() + CAST(? AS interval)
                    WHERE event_id = ? AND endpoint = ?""", again);
        }
        if (!givenUp.isEmpty()) {
            jdbc.batchUpdate("""
                    UPDATE event_deliveries SET status = 'GAVE_UP', attempts = ?, last_status = ?, last_error = ?
                    WHERE event_id = ? AND endpoint = ?""", givenUp);
        }
        delivered.addAndGet(done.size());
        return new Pass(done.size(), again.size(), givenUp.size());
    }

    /** Stops the background loops after their current round. */
    @Override
    public synchronized void close() {
        running = false;
        for (Thread loop : loops) {
            loop.interrupt();
        }
        for (Thread loop : loops) {
            try {
                loop.join(settings.timeout().toMillis() + 5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        loops.clear();
        senders.forEach(ExecutorService::shutdownNow);
        senders.clear();
    }
}
