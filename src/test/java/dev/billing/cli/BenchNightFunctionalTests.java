package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineProcess;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code bench-night} in a JVM of its own, small: import, the whole nightly, and every figure it promises. */
@Tag("process")
class BenchNightFunctionalTests {

    @Test
    void aSmallNightIsImportedChargedAndReportedWithItsFigures() throws Exception {
        Path log = EngineProcess.log("bench-night.log");
        Process bench = EngineProcess.start(log, "bench-night", "--orders", "3000", "--gateway-calls", "500");
        assertThat(bench.waitFor(3, TimeUnit.MINUTES)).isTrue();

        String output = EngineProcess.output(log);
        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output).contains("3,000 orders on 60 tokens (6 NEW)")
                .containsPattern("raw gateway: 500 signed round trips, 32 in flight, 0 ms latency: [0-9,]+ per second")
                .containsPattern("import-orders +[0-9.]+ s +3,000 items")
                .containsPattern("verify +[0-9.]+ s +6 items")
                .containsPattern("charge +[0-9.]+ s +3,000 items")
                .containsPattern("charging: [0-9,]+ per second, [0-9.]+% of the raw gateway rate; first tenth [0-9,]+/s, last tenth [0-9,]+/s")
                .contains("3,000 of 3,000 orders PAID")
                .containsPattern("report transactions-[0-9-]+\\.csv: [0-9,]+ KB")
                .containsPattern("peak heap [0-9,]+ MB of [0-9,]+ MB max \\(sampled every 50 ms\\); peak resident [1-9][0-9,]* MB");
    }
}
