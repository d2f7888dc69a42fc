package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineProcess;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code bench-refunds} in a JVM of its own, small: every refund at the gateway once, and the figures it promises. */
@Tag("process")
class BenchRefundsFunctionalTests {

    @Test
    void everyRefundIsMadeOnceAndItsRateIsSaidAgainstTheBound() throws Exception {
        Path log = EngineProcess.log("bench-refunds.log");
        Process bench = EngineProcess.start(log, "bench-refunds", "--refunds", "600", "--latency-ms", "20", "--concurrency", "16");
        assertThat(bench.waitFor(3, TimeUnit.MINUTES)).as(EngineProcess.output(log)).isTrue();
        String output = EngineProcess.output(log);
        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("refunded 600 orders in [0-9.]+ s: [0-9,]+ refunds per second, [0-9.]+% of the bound 800/s \\(C / L\\);"
                + " 600 refunds at the gateway").containsPattern("gateway: at most (1[0-6]|[1-9]) calls in flight at once \\(budget 16\\)");
    }
}
