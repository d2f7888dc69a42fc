package dev.billing.support;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Where the engine's threads come from: every pool and thread the engine's work uses is made here, named for what it
 * does, as a daemon (a night's threads never keep a JVM alive that is done), and owned by the Spring context: when the
 * context closes, pools still open are shut down and threads still running are interrupted. A pool or thread that
 * ends by itself leaves this registry. {@code ArchitectureTest} fails the build when another class of the engine starts
 * a thread or a pool of its own (the simulator, a server double that also runs outside Spring, and the benchmarks
 * aside).
 */
@Component
public class EngineThreads implements DisposableBean {

    private final Set<ExecutorService> pools = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    /**
     * A pool of {@code size} threads named {@code name-1}, {@code name-2}, ..., started as work arrives and kept until
     * the pool is shut down (by the caller when its work ends, or by the context).
     */
    public ExecutorService pool(String name, int size) {
        AtomicInteger number = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, size == 1 ? name : name + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }) {
            @Override
            protected void terminated() {
                pools.remove(this);
            }

            /** The work runs with its submitter's logging context (the job execution, step and partition it belongs to). */
            @Override
            public void execute(Runnable command) {
                super.execute(withLoggingContext(command));
            }
        };
        pools.add(pool);
        return pool;
    }

    /** {@code work} wrapped to run with the caller's MDC (what log lines say they belong to), and to leave none behind. */
    static Runnable withLoggingContext(Runnable work) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        if (context == null || context.isEmpty()) {
            return work;
        }
        return () -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            MDC.setContextMap(context);
            try {
                work.run();
            } finally {
                if (before == null) {
                    MDC.clear();
                } else {
                    MDC.setContextMap(before);
                }
            }
        };
    }

    /** A thread named {@code name} that runs {@code body} once; the caller starts it. */
    public Thread thread(String name, Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        }, name);
        thread.setDaemon(true);
        threads.add(thread);
        return thread;
    }

    /** Runs {@code body} when the JVM exits (a shutdown hook: the one kind of thread that must outlive the context). */
    public static void atJvmExit(String name, Runnable body) {
        Runtime.getRuntime().addShutdownHook(new Thread(body, name));
    }

    @Override
    public void destroy() {
        pools.forEach(ExecutorService::shutdownNow);
        threads.forEach(Thread::interrupt);
    }
}
