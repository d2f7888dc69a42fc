package dev.billing.batch;

import dev.billing.support.EngineThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Maps a page of items through gateway calls, up to {@code concurrency} at a time, keeping their order. */
public final class Concurrently {

    @FunctionalInterface
    public interface Call<T, R> {
        R apply(T item) throws Exception;
    }

    private Concurrently() {
    }

    public static <T, R> List<R> map(EngineThreads threads, List<T> items, int concurrency, Call<T, R> call) throws InterruptedException {
        if (items.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = threads.pool("calls", Math.max(1, Math.min(concurrency, items.size())));
        try {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> call.apply(item)));
            }
            List<R> results = new ArrayList<>(items.size());
            for (Future<R> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
