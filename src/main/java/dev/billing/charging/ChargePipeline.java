package dev.billing.charging;

import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded pipeline between reading due orders and writing their outcomes, so that up to
 * {@code concurrency} charges are in flight all the time, across chunk boundaries.
 *
 * <p>Why not a plain concurrent chunk step: each chunk waits for its slowest call before it is written and the
 * next one is read, so the calls in flight fall to zero at every boundary (measured: 76% of the bound with
 * chunks of 100). Here a feeder thread reads a page of due orders, commits a PREPARED ledger row for each (one
 * transaction per page, before any of them is sent), and hands them to {@code concurrency} workers; the step
 * takes completed results in chunks and commits them. At most {@code window} orders are between "prepared" and
 * "written", so memory stays flat. A result that is never written (a crash, a stop) leaves its attempt
 * PREPARED: the next run resolves it with CHECK_STATUS before charging anything new.
 */
public class ChargePipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChargePipeline.class);

    private final ChargeLedger ledger;
    private final ApsClient client;
    private final LocalDate date;
    private final long jobExecutionId;
    private final int pageSize;
    private final int maxPerCard30d;
    private final ExecutorService workers;
    private final Thread feeder;
    private final Semaphore window;
    private final BlockingQueue<ChargeResult> completed = new LinkedBlockingQueue<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Set<String> deadTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<Void>> lastChargeOnToken = new ConcurrentHashMap<>();
    private final AtomicReference<GatewayReply> configError = new AtomicReference<>();
    private final AtomicReference<RuntimeException> feederFailure = new AtomicReference<>();
    private volatile boolean feederDone;
    private volatile boolean stopping;

    public ChargePipeline(ChargeLedger ledger, ApsClient client, LocalDate date, long jobExecutionId, int concurrency,
                          int pageSize, int maxPerCard30d, int chunkSize) {
        this.ledger = ledger;
        this.client = client;
        this.date = date;
        this.jobExecutionId = jobExecutionId;
        this.pageSize = pageSize;
        this.maxPerCard30d = maxPerCard30d;
        this.window = new Semaphore(concurrency + 2 * Math.max(pageSize, chunkSize));
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "charge-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.feeder = new Thread(this::feed, "charge-feeder");
        this.feeder.setDaemon(true);
    }

    public void start() {
        feeder.start();
    }

    private void feed() {
        long lastId = 0;
        try {
            while (!stopping) {
                List<DueOrder> page = ledger.duePage(date, lastId, pageSize);
                if (page.isEmpty()) {
                    break;
                }
                lastId = page.get(page.size() - 1).id();
                List<DueOrder> chargeable = new ArrayList<>(page.size());
                Map<String, Integer> recent = ledger.attemptsInLast30Days(page.stream().map(DueOrder::tokenName).distinct().toList());
                Map<String, Integer> planned = new HashMap<>();
                for (DueOrder order : page) {
                    if (!order.tokenStatus().equals("VERIFIED")) {
                        hold(order, "token " + order.tokenName() + " is " + order.tokenStatus() + ", not VERIFIED");
                    } else if (deadTokens.contains(order.tokenName())) {
                        hold(order, "token " + order.tokenName() + " was hard-declined in this run");
                    } else if (recent.getOrDefault(order.tokenName(), 0) + planned.merge(order.tokenName(), 1, Integer::sum) > maxPerCard30d) {
                        hold(order, "card-network limit: " + maxPerCard30d + " attempts on token " + order.tokenName() + " in 30 days");
                    } else {
                        chargeable.add(order);
                    }
                }
                List<DueOrder> prepared = ledger.prepare(chargeable, date, jobExecutionId);
                for (int i = 0; i < prepared.size(); i++) {
                    if (stopping || !acquireRoom()) {
                        // prepared, never sent: withdrawn, so that no one has to ask the gateway about them
                        prepared.subList(i, prepared.size()).forEach(o -> completed.add(ChargeResult.withdrawn(o, "the run stopped")));
                        return;
                    }
                    outstanding.incrementAndGet();
                    submitAfterEarlierChargesOnItsToken(prepared.get(i));
                }
            }
        } catch (RuntimeException e) {
            log.error("Reading due orders failed: {}", e.toString());
            feederFailure.set(e);
        } finally {
            feederDone = true;
        }
    }

    private boolean acquireRoom() {
        try {
            window.acquire();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Charges on one token go one after the other, never two at once: a hard decline is seen before the next
     * charge on that card is sent (it is then not sent), and issuers do not see parallel charges on one card.
     */
    private void submitAfterEarlierChargesOnItsToken(DueOrder order) {
        String token = order.tokenName();
        CompletableFuture<Void> previous = lastChargeOnToken.get(token);
        CompletableFuture<Void> next = previous == null
                ? CompletableFuture.runAsync(() -> charge(order), workers)
                : previous.thenRunAsync(() -> charge(order), workers);
        lastChargeOnToken.put(token, next);
        next.whenComplete((v, e) -> lastChargeOnToken.remove(token, next)); // after put: an early finish still removes it
    }

    private void hold(DueOrder order, String reason) {
        completed.add(ChargeResult.held(order, reason));
    }

    private void charge(DueOrder order) {
        try {
            if (deadTokens.contains(order.tokenName())) {
                completed.add(ChargeResult.notSent(order, "token " + order.tokenName() + " was hard-declined in this run"));
                return;
            }
            if (stopping) {
                completed.add(ChargeResult.withdrawn(order, configError.get() != null
                        ? "the run stopped on a gateway configuration error" : "the run stopped"));
                return;
            }
            GatewayReply reply = client.purchase(order.reference(), order.amount(), order.tokenName(), order.customerEmail(),
                    "Order " + order.orderId());
            if (reply.outcome() == OutcomeClass.HARD_DECLINE) {
                deadTokens.add(order.tokenName());
            } else if (reply.outcome() == OutcomeClass.CONFIG_ERROR && configError.compareAndSet(null, reply)) {
                log.error("The gateway refused a request as misconfigured ({}); no more charges are sent in this run", reply.summary());
                stopping = true;
            }
            completed.add(ChargeResult.sent(order, reply));
        } finally {
            outstanding.decrementAndGet();
        }
    }

    /**
     * Up to {@code max} results, waiting for the first one; an empty list when everything has been taken.
     * Taken results of calls free room in the window: at most twice {@code concurrency} calls are started and
     * not yet taken.
     */
    public List<ChargeResult> take(int max) throws InterruptedException {
        List<ChargeResult> batch = new ArrayList<>(max);
        while (batch.isEmpty()) {
            ChargeResult first = completed.poll(50, TimeUnit.MILLISECONDS);
            if (first != null) {
                batch.add(first);
                completed.drainTo(batch, max - 1);
                // let a few more arrive to fill the chunk, but never hold results back for long
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                while (batch.size() < max && System.nanoTime() < deadline && !drained()) {
                    ChargeResult next = completed.poll(2, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        batch.add(next);
                        completed.drainTo(batch, max - batch.size());
                    }
                }
            } else if (drained()) {
                break;
            }
        }
        window.release((int) batch.stream().filter(r -> r.kind() != ChargeResult.Kind.HELD).count());
        return batch;
    }

    /** True when nothing more will come: the feeder is done, no call is in flight and every result was taken. */
    public boolean drained() {
        return feederDone && outstanding.get() == 0 && completed.isEmpty();
    }

    /** The reply that stopped the run as a configuration error, if one did. */
    public GatewayReply configError() {
        return configError.get();
    }

    public RuntimeException feederFailure() {
        return feederFailure.get();
    }

    /** Stops reading new orders; calls in flight finish, and what they return is still there to take. */
    public void stopFeeding() {
        stopping = true;
    }

    /**
     * Stops feeding and waits (up to {@code wait}) for the calls in flight; returns every result not taken yet.
     */
    public List<ChargeResult> finish(Duration wait) throws InterruptedException {
        stopping = true;
        feeder.interrupt(); // it may be waiting for room in the window, which nobody makes any more
        feeder.join(wait.toMillis());
        // queued charges (some wait for an earlier one on their token) still run: they see the stop and withdraw
        long deadline = System.nanoTime() + wait.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        workers.shutdown();
        List<ChargeResult> rest = new ArrayList<>();
        completed.drainTo(rest);
        return rest;
    }

    @Override
    public void close() {
        stopping = true;
        workers.shutdownNow();
        feeder.interrupt();
    }
}
