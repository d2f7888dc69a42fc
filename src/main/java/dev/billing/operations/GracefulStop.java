package dev.billing.operations;

import dev.billing.batch.ExecutionOwnership;
import dev.billing.support.Signals;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT while a job runs: the job's executions in this process are asked to stop after their current
 * chunk, and the command then ends normally with the executions STOPPED (restartable). The JVM's default would be
 * to run its shutdown hooks at once, and those stop the embedded PostgreSQL under the running job. A second
 * signal ends the process immediately.
 */
public final class GracefulStop {

    private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private GracefulStop() {
    }

    public static void install(JobControl control, ExecutionOwnership ownership, PrintStream err) {
        install(control, ownership, err, () -> { });
    }

    /** {@code afterStopping} runs once the executions were asked to stop (serve then stops its scheduler). */
    public static void install(JobControl control, ExecutionOwnership ownership, PrintStream err, Runnable afterStopping) {
        install(control, ownership, err, id -> false, afterStopping);
    }

    /**
     * As {@link #install(JobControl, ExecutionOwnership, PrintStream, Runnable)}; {@code handOver} is asked first for each
     * execution and true when another node will resume it (serve with other nodes live).
     */
    public static void install(JobControl control, ExecutionOwnership ownership, PrintStream err, LongPredicate handOver,
                               Runnable afterStopping) {
        if (!INSTALLED.compareAndSet(false, true)) {
            return;
        }
        AtomicBoolean asked = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signals.handle(name, (signal, number) -> {
                    if (!asked.compareAndSet(false, true)) {
                        err.println("second SIG" + signal + ": exiting now; 'jobs recover' then 'jobs restart' resume the run");
                        Runtime.getRuntime().halt(128 + number);
                    }
                    for (long id : ownership.ownedExecutions()) {
                        err.println(handOver.test(id)
                                ? "SIG" + signal + ": handing execution " + id + " over to the other live nodes: it stops after its"
                                        + " current chunk and one of them resumes it"
                                : "SIG" + signal + ": stopping execution " + id + " after its current chunk (send it again to exit at once)");
                        log.info("SIG{} received: stopping job execution {} after its current chunk", signal, id);
                        control.stop(id);
                    }
                    afterStopping.run();
                });
            } catch (IllegalArgumentException e) {
                log.debug("cannot handle SIG{} here: {}", name, e.getMessage());
            }
        }
    }
}
