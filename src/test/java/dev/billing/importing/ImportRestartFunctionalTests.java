package dev.billing.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineProcess;
import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.operations.JobControl.Recovery;
import dev.billing.operations.JobControl;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * After Spring Batch's RestartFunctionalTests: an import of 100,000 orders in a separate JVM is killed with
 * SIGKILL part-way; {@code jobs recover} and {@code jobs restart} finish it, and every row is loaded exactly once.
 */
@EngineTest
class ImportRestartFunctionalTests {

    private static final int ORDERS = 100_000;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobControl jobControl;
    @TempDir
    Path dir;

    @BeforeEach
    void reset() {
        Fixtures.resetEngineTables(jdbc);
    }

    @Test
    void anImportKilledPartWayIsRecoveredAndRestartedAndLoadsEveryRowOnce() throws Exception {
        Path tokens = dir.resolve("tokens.csv");
        Path orders = dir.resolve("orders.csv");
        long expectedTotal = writeFiles(tokens, orders);
        Path log = EngineProcess.log("import-killed.log");

        // chunks of 5,000 (each new half copied on its own connection): 20 commits, so the kill lands part-way
        Process engine = EngineProcess.start(log, "import", "--tokens", tokens.toString(), "--orders", orders.toString(),
                "--billing.import.chunk-size=5000");
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .failFast("the engine ended before it could be killed:\n" + EngineProcess.output(log), () -> !engine.isAlive())
                    .until(() -> jdbc.queryForObject("SELECT count(*) FROM orders", Long.class) >= 20_000);
        } finally {
            engine.destroyForcibly();
            engine.waitFor(30, TimeUnit.SECONDS);
        }
        long loadedAtKill = jdbc.queryForObject("SELECT count(*) FROM orders", Long.class);
        assertThat(loadedAtKill).as("killed part-way").isBetween(20_000L, (long) ORDERS - 1);
        long executionId = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);
        assertThat(jobControl.get(executionId).getStatus()).isEqualTo(BatchStatus.STARTED);

        List<Recovery> recoveries = jobControl.recover();

        assertThat(recoveries).singleElement().satisfies(r -> {
            assertThat(r.recovered()).isTrue();
            assertThat(r.execution().getId()).isEqualTo(executionId);
            assertThat(r.execution().getStatus()).isEqualTo(BatchStatus.FAILED);
        });

        JobExecution restarted = jobControl.restart(executionId);

        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isEqualTo(ORDERS);
        assertThat(jdbc.queryForObject("SELECT sum(amount_minor) FROM orders", Long.class)).isEqualTo(expectedTotal);
        StepExecution killedStep = orderStep(jobControl.get(executionId));
        StepExecution resumedStep = orderStep(restarted);
        ImportCounters killed = ImportCounters.from(killedStep.getExecutionContext());
        ImportCounters resumed = ImportCounters.from(resumedStep.getExecutionContext());
        assertThat(resumedStep.getReadCount()).as("the restart resumed after the last committed chunk")
                .isEqualTo(ORDERS - killedStep.getReadCount());
        // A restarted step carries on from the committed context of the killed one, so its counters are running totals.
        assertThat(killed.inserted()).as("committed before the kill").isEqualTo(killedStep.getReadCount());
        assertThat(resumed.inserted()).as("every row inserted exactly once").isEqualTo(ORDERS);
        assertThat(resumed.updated()).as("no row written twice").isZero();
        assertThat(resumed.rejected()).isZero();
    }

    private static StepExecution orderStep(JobExecution execution) {
        return execution.getStepExecutions().stream().filter(s -> s.getStepName().equals("import-orders")).findFirst().orElseThrow();
    }

    private static long writeFiles(Path tokens, Path orders) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(tokens)) {
            out.write(ImportJobFunctionalTests.TOKENS_HEADER + "\n");
            for (int i = 0; i < 100; i++) {
                out.write("tok-" + i + ",C" + i + ",c" + i + "@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,VERIFIED\n");
            }
        }
        long total = 0;
        try (BufferedWriter out = Files.newBufferedWriter(orders)) {
            out.write(ImportJobFunctionalTests.ORDERS_HEADER + "\n");
            for (int i = 0; i < ORDERS; i++) {
                long minor = 100 + (i * 7919L) % 100_000;
                total += minor;
                out.write("R-" + i + ",C" + (i % 100) + ",tok-" + (i % 100) + "," + (minor / 100) + "." + String.format("%02d", minor % 100)
                        + ",AED,SHIPPED,\n");
            }
        }
        return total;
    }
}
