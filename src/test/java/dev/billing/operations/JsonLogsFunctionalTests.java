package dev.billing.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code billing.log.format=json} in a JVM of its own: the log file is JSON lines, and a line written for a step, even on
 * one of the threads that make its gateway calls, names the job execution and the step.
 */
@Tag("process")
class JsonLogsFunctionalTests {

    @TempDir
    Path dir;

    @Test
    void aNightsLogIsJsonLinesNamingTheExecutionAndStepOfEachLine() throws Exception {
        Path log = EngineProcess.log("json-logs.log");
        Process demo = EngineProcess.start(log, "demo", "--billing.data-dir=" + dir.resolve("data"),
                "--billing.reports.dir=" + dir.resolve("reports"), "--billing.log.format=json");
        assertThat(demo.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String output = EngineProcess.output(log);
        assertThat(demo.exitValue()).as(output).isZero();

        List<String> lines = Files.readAllLines(dir.resolve("data/logs/billing-engine.json"));
        assertThat(lines).hasSizeGreaterThan(5)
                .allSatisfy(line -> assertThat(line).startsWith("{\"@timestamp\":\"").endsWith("}").contains("\"level\":\""));
        assertThat(lines).filteredOn(l -> l.contains("\"thread_name\":\"calls-") && l.contains("\"logger_name\":\"dev.billing.gateway.ApsClient\""))
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l).containsPattern("\"execution\":\"\\d+\"").containsPattern("\"step\":\"[a-z-]+\""));
        assertThat(Files.readString(dir.resolve("data/logs/billing-engine.log"))).as("no text log beside it").isEmpty();
        assertThat(output.lines().filter(l -> l.startsWith("{")).toList()).as("the terminal's warnings are JSON lines too")
                .allSatisfy(l -> assertThat(l).contains("\"level\":\"WARN\"").endsWith("}"));
    }
}
