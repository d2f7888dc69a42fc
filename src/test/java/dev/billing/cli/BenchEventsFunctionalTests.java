package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineProcess;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code bench-events} in a JVM of its own, small: every event reaches the endpoint once, signed, and its rate is said. */
@Tag("process")
class BenchEventsFunctionalTests {

    @Test
    void everyEventIsDeliveredOnceSignedAndItsRateIsSaid() throws Exception {
        Path log = EngineProcess.log("bench-events.log");
        Process bench = EngineProcess.start(log, "bench-events", "--events", "3000", "--per-endpoint", "8");
        assertThat(bench.waitFor(3, TimeUnit.MINUTES)).as(EngineProcess.output(log)).isTrue();
        String output = EngineProcess.output(log);
        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("delivered 3,000 events in [0-9.]+ s \\(fan-out included\\): [0-9,]+ per second; the endpoint got"
                + " 3,000 posts of 3,000 distinct events, 0 badly signed");
    }
}
