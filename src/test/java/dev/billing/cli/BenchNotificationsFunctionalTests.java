package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineProcess;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code bench-notifications} in a JVM of its own: every notification it posts is stored and settles its charge. */
@Tag("process")
class BenchNotificationsFunctionalTests {

    @Test
    void everyPostedNotificationSettlesItsCharge() throws Exception {
        Path log = EngineProcess.log("bench-notifications.log");
        Process bench = EngineProcess.start(log, "bench-notifications", "--notifications", "400", "--warm-up", "50", "--concurrency", "4");
        assertThat(bench.waitFor(3, TimeUnit.MINUTES)).isTrue();

        String output = EngineProcess.output(log);
        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output).as(output).containsPattern("posted 400 notifications in [0-9.]+ s: [0-9,]+ per second; latency p50 [0-9.]+ ms, p99 [0-9.]+ ms")
                .contains("400 stored and settled, 400 orders PAID, 0 not settled");
    }
}
