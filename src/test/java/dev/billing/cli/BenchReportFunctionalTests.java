package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineProcess;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code bench-report} in a JVM of its own, small, with reports of 500 rows at most on both sides: the day is fetched
 * in windows and every charge matched, in a small heap.
 */
@Tag("process")
class BenchReportFunctionalTests {

    @Test
    void everyChargeOfADayLargerThanOneReportIsMatchedWithTheReportFetchedInWindows() throws Exception {
        Path log = EngineProcess.log("bench-report.log");
        Process bench = EngineProcess.start(log, "bench-report", "--rows", "2000", "--billing.gateway.report-max-rows=500",
                "--billing.simulator.report-max-rows=500");
        assertThat(bench.waitFor(3, TimeUnit.MINUTES)).as(EngineProcess.output(log)).isTrue();
        String output = EngineProcess.output(log);
        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output).contains("fetched in windows of at most 500 rows").containsPattern("matched with the gateway's report, fetched: 2,000 transactions in ([5-9]|[1-9][0-9]) window\\(s\\)")
                .contains("summary: AED,MATCHING,MATCHED,2000,")
                .containsPattern("reconciled 2,000 charges with the gateway's report in [0-9.]+ s; 2,000 matched; peak heap [0-9,]+ MB");
    }
}
