package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineProcess;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code bench-console} in a JVM of its own, small: it seeds, signs in, asks for every page and prints their latencies. */
@Tag("process")
class BenchConsoleFunctionalTests {

    @Test
    void everyPageIsAskedForAndMeasured() throws Exception {
        Path log = EngineProcess.log("bench-console.log");
        Process bench = EngineProcess.start(log, "bench-console", "--orders", "5000", "--nights", "40", "--requests", "20", "--warm-up", "2");
        assertThat(bench.waitFor(3, TimeUnit.MINUTES)).isTrue();

        String output = EngineProcess.output(log);
        assertThat(output).as(output).contains("seeded 5,000 orders over 40 nights").contains("82 job executions with 576 steps")
                .containsPattern("/console \\(nights\\) +[0-9.]+ +[0-9.]+ +[0-9.]+")
                .containsPattern("/console/orders\\?q= \\(fort_id\\) +[0-9.]+ +[0-9.]+ +[0-9.]+")
                .containsPattern("/console/audit +[0-9.]+ +[0-9.]+ +[0-9.]+");
        assertThat(bench.exitValue()).as("exit 0 only when every page is under the target: " + output)
                .isEqualTo(output.contains("every page under the target") ? 0 : 1);
    }
}
