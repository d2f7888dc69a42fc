package dev.billing.batch;

import dev.billing.support.EngineThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded pipeline between reading work and writing its outcomes, so that up to {@code concurrency} gateway calls
 * are in flight all the time, across chunk boundaries.
 *
 * <p>Why not a plain concurrent chunk step: each chunk waits for its slowest call before it is written and the next
 * one is read, so the calls in flight fall to zero at every boundary (measured: 76% of the bound with chunks of 100).
 * Here a feeder thread asks for a page of work, whose ledger rows the {@link Feeder} commits before returning it, and
 * hands each item to {@code concurrency} workers; the step takes completed results in chunks and commits them. At most
 * {@code window} items are between "handed to a worker" and "taken", so memory stays flat. Items with the same
 * sequence key (a token) are called one after the other, never at once. A result that is never written (a crash, a
 * stop) leaves its ledger row open: the next run asks the gateway about it before doing anything new.
 *
 * @param <T> a unit of work, prepared in the ledger
 * @param <R> its result
 */
public class CallPipeline<T, R> implements Pipeline<R> {

    /** Reads the next page of work and commits its ledger rows; results known without a call go to {@code results}. */
    @FunctionalInterface
    public interface Feeder<T, R> {
        /** An empty page means there is no more work. */
        List<T> nextPage(Consumer<R> results);
    }

    private static final Logger log = LoggerFactory.getLogger(CallPipeline.class);

    private record Done<R>(R result, boolean heldRoom) {
    }

    private final Feeder<T, R> feeder;
    private final Function<T, R> call;
    private final Function<T, String> sequenceKey;
    private final Function<T, R> withdraw;
    private final Predicate<R> stopsTheRun;
    private final ExecutorService workers;
    private final Thread feederThread;
    private final Semaphore window;
    private final BlockingQueue<Done<R>> completed = new LinkedBlockingQueue<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Map<String, CompletableFuture<Void>> lastCallOnKey = new ConcurrentHashMap<>();
    private final AtomicReference<R> stoppedBy = new AtomicReference<>();
    private final AtomicReference<RuntimeException> feederFailure = new AtomicReference<>();
    private volatile boolean feederDone;
    private volatile boolean stopping;

    /**
     * @param call        makes the gateway call(s) for one item; never throws for what the gateway does
     * @param sequenceKey items with the same key are called one after the other
     * @param withdraw    the result of an item that was prepared but, the run stopping, is not called
     * @param stopsTheRun a result after which no new call starts (a configuration error)
     * @param threads     where its feeder and its {@code concurrency} callers come from
     */
    public CallPipeline(String name, Feeder<T, R> feeder, Function<T, R> call, Function<T, String> sequenceKey,
                        Function<T, R> withdraw, Predicate<R> stopsTheRun, int concurrency, int window, EngineThreads threads) {
        this.feeder = feeder;
        this.call = call;
        this.sequenceKey = sequenceKey;
        this.withdraw = withdraw;
        this.stopsTheRun = stopsTheRun;
        this.window = new Semaphore(window);
        this.workers = threads.pool(name, concurrency);
        this.feederThread = threads.thread(name + "-feeder", this::feed);
    }

    /**
     * The window a pipeline of {@code concurrency} calls committing chunks of {@code chunkSize} needs: room for the calls
     * in flight and those waiting their turn, and two chunks of results waiting to be recorded, a chunk being at most
     * 4 C here (measured with charges: 4 C + 2 chunks keeps 94% of the bound C / L, as a window of 1,032 did; 2 C + a
     * chunk fell to 73%). With {@link #batch} it bounds the ledger rows a node that dies leaves PREPARED, each of which
     * the node that resumes its work asks the gateway about before it calls anything: a small bound is a short failover.
     */
    public static int window(int concurrency, int chunkSize) {
        return 4 * concurrency + 2 * Math.min(chunkSize, 4 * concurrency);
    }

    /** How many items a feeder prepares (writes PREPARED) at once, just before their calls: one call each in flight. */
    public static int batch(int concurrency) {
        return Math.max(16, concurrency);
    }

    @Override
    public void start() {
        feederThread.start();
    }

    private void feed() {
        try {
            while (!stopping) {
                List<T> page = feeder.nextPage(result -> completed.add(new Done<>(result, false)));
                if (page.isEmpty()) {
                    break;
                }
                for (int i = 0; i < page.size(); i++) {
                    if (stopping || !acquireRoom()) {
                        // prepared, never called: withdrawn, so that no one has to ask the gateway about them
                        page.subList(i, page.size()).forEach(item -> completed.add(new Done<>(withdraw.apply(item), false)));
                        return;
                    }
                    outstanding.incrementAndGet();
                    submitAfterEarlierCallsOnItsKey(page.get(i));
                }
            }
        } catch (RuntimeException e) {
            log.error("Reading work failed: {}", e.toString());
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

    private void submitAfterEarlierCallsOnItsKey(T item) {
        String key = sequenceKey.apply(item);
        CompletableFuture<Void> previous = lastCallOnKey.get(key);
        CompletableFuture<Void> next = previous == null
                ? CompletableFuture.runAsync(() -> process(item), workers)
                : previous.thenRunAsync(() -> process(item), workers);
        lastCallOnKey.put(key, next);
        CompletableFuture<Void> unused = next.whenComplete((v, e) -> lastCallOnKey.remove(key, next)); // after put: an early finish still removes it
    }

    private void process(T item) {
        try {
            if (stopping) {
                completed.add(new Done<>(withdraw.apply(item), true));
                return;
            }
            R result = call.apply(item);
            if (stopsTheRun.test(result) && stoppedBy.compareAndSet(null, result)) {
                stopping = true;
            }
            completed.add(new Done<>(result, true));
        } catch (RuntimeException e) {
            log.error("A call failed unexpectedly: {}", e.toString());
            completed.add(new Done<>(withdraw.apply(item), true));
        } finally {
            outstanding.decrementAndGet();
        }
    }

    /**
     * Up to {@code max} results, waiting for the first one; an empty list when everything has been taken.
     * Taking results frees room in the window.
     */
    @Override
    public List<R> take(int max) throws InterruptedException {
        List<Done<R>> batch = new ArrayList<>(max);
        while (batch.isEmpty()) {
            Done<R> first = completed.poll(50, TimeUnit.MILLISECONDS);
            if (first != null) {
                batch.add(first);
                completed.drainTo(batch, max - 1);
                // let a few more arrive to fill the chunk, but never hold results back for long
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                while (batch.size() < max && System.nanoTime() < deadline && !drained()) {
                    Done<R> next = completed.poll(2, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        batch.add(next);
                        completed.drainTo(batch, max - batch.size());
                    }
                }
            } else if (drained()) {
                break;
            }
        }
        window.release((int) batch.stream().filter(Done::heldRoom).count());
        return batch.stream().map(Done::result).toList();
    }

    /** Up to {@code max} results that are ready now, without waiting (for {@link Lanes}); frees their room in the window. */
    List<R> takeReady(int max) {
        List<Done<R>> batch = new ArrayList<>(Math.min(max, 64));
        completed.drainTo(batch, max);
        if (!batch.isEmpty()) {
            window.release((int) batch.stream().filter(Done::heldRoom).count());
        }
        return batch.stream().map(Done::result).toList();
    }

    /** Starts no new call from now on (the calls in flight finish); {@link #finish} then waits for them. */
    void stopStarting() {
        stopping = true;
    }

    /** True when nothing more will come: the feeder is done, no call is in flight and every result was taken. */
    @Override
    public boolean drained() {
        return feederDone && outstanding.get() == 0 && completed.isEmpty();
    }

    /** The result that stopped the run, if one did. */
    @Override
    public R stoppedBy() {
        return stoppedBy.get();
    }

    @Override
    public RuntimeException feederFailure() {
        return feederFailure.get();
    }

    /**
     * Stops starting calls and waits (up to {@code wait}) for those in flight; returns every result not taken yet.
     * Items waiting their turn see the stop and are withdrawn.
     */
    @Override
    public List<R> finish(Duration wait) throws InterruptedException {
        stopping = true;
        feederThread.interrupt(); // it may be waiting for room in the window, which nobody makes any more
        feederThread.join(wait.toMillis());
        long deadline = System.nanoTime() + wait.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        workers.shutdown();
        List<Done<R>> rest = new ArrayList<>();
        completed.drainTo(rest);
        return rest.stream().map(Done::result).toList();
    }

    @Override
    public void close() {
        stopping = true;
        workers.shutdownNow();
        feederThread.interrupt();
    }
}
