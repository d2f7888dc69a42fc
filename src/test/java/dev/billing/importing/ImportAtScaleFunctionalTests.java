package dev.billing.importing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.batch.JobExclusivity;
import dev.billing.importing.ImportService.ImportResult;
import dev.billing.operations.JobControl;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The import's fast path for a large chunk of new orders: half of them copied on a second connection, committed just
 * before the chunk. Killed between the two commits, the chunk's next try must load every order once and count it.
 */
@EngineTest
class ImportAtScaleFunctionalTests {

    private static final int ORDERS = 5_000;

    @Autowired
    ImportService importService;
    @Autowired
    JobControl jobControl;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @TempDir
    Path dir;

    @BeforeEach
    void reset() {
        Fixtures.resetEngineTables(jdbc);
    }

    private Path[] files() throws IOException {
        Path tokens = ImportJobFunctionalTests.write(dir, "tokens.csv", ImportJobFunctionalTests.TOKENS_HEADER,
                "tok-1,CUST-1,c1@example.com,411111******1111,12/30,2026-01-01T00:00:00Z,NEW");
        List<String> lines = new ArrayList<>();
        lines.add(ImportJobFunctionalTests.ORDERS_HEADER);
        for (int i = 1; i <= ORDERS; i++) {
            lines.add("O-" + i + ",CUST-1,tok-1,10.00,AED,SHIPPED,");
        }
        lines.add("O-unknown-token,CUST-1,tok-none,10.00,AED,SHIPPED,"); // a rejected row: the chunk writes a reject
        Path orders = ImportJobFunctionalTests.write(dir, "orders.csv", lines.toArray(String[]::new));
        return new Path[] {tokens, orders};
    }

    @Test
    void aChunkThatFailsAfterItsSideHalfCommittedLoadsEveryOrderOnceOnRestart() throws IOException {
        Path[] files = files();
        // the chunk dies after its new orders are copied, where it writes its rejected row: as if killed there
        jdbc.execute("CREATE SEQUENCE test_fail_once");
        jdbc.execute("""
                CREATE FUNCTION test_fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF nextval('test_fail_once') = 1 THEN
                        RAISE EXCEPTION 'injected: the chunk ends here';
                    END IF;
                    RETURN NEW;
                END $$""");
        jdbc.execute("CREATE TRIGGER test_fail_once BEFORE INSERT ON import_rejects FOR EACH ROW EXECUTE FUNCTION test_fail_once()");
        JobExecution restarted;
        try {
            ImportResult failed = importService.importFiles(files[0], files[1]);

            assertThat(failed.execution().getStatus()).isEqualTo(BatchStatus.FAILED);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class))
                    .as("the second half, committed on its own connection before the chunk failed").isEqualTo(ORDERS / 2);

            restarted = jobControl.restart(failed.execution().getId());

            assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        } finally {
            jdbc.execute("DROP TRIGGER IF EXISTS test_fail_once ON import_rejects");
            jdbc.execute("DROP FUNCTION IF EXISTS test_fail_once()");
            jdbc.execute("DROP SEQUENCE IF EXISTS test_fail_once");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isEqualTo(ORDERS);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT order_id) FROM orders", Long.class)).isEqualTo(ORDERS);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE import_line <> substr(order_id, 3)::int + 1", Long.class))
                .as("each order written by its own line").isZero();
        assertThat(jdbc.queryForList("SELECT reason FROM import_rejects", String.class))
                .singleElement().asString().contains("tok-none");
        StepExecution orders = jobControl.get(restarted.getId()).getStepExecutions().stream().filter(s -> s.getStepName().equals("import-orders")).findFirst().orElseThrow();
        ImportCounters counters = ImportCounters.from(orders.getExecutionContext());
        assertThat(counters.inserted()).as("the orders the failed try left are counted as inserted").isEqualTo(ORDERS);
        assertThat(counters.rejected()).isEqualTo(1);
        assertThat(counters.updated() + counters.unchanged()).isZero();
    }

    @Test
    void onlyOneImportRunsAtATime() throws Exception {
        Path[] files = files();
        try (Connection other = dataSource.getConnection()) {
            try (PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_lock(?, hashtext('import'))")) {
                lock.setInt(1, JobExclusivity.LOCK_CLASS);
                lock.execute();
            }
            ImportResult refused = importService.importFiles(files[0], files[1]);

            assertThat(refused.execution().getStatus()).isEqualTo(BatchStatus.FAILED);
            assertThat(refused.execution().getAllFailureExceptions()).singleElement().asString()
                    .contains("another import run is in progress");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isZero();
            try (PreparedStatement unlock = other.prepareStatement("SELECT pg_advisory_unlock(?, hashtext('import'))")) {
                unlock.setInt(1, JobExclusivity.LOCK_CLASS);
                unlock.execute();
            }
        }
        assertThat(importService.importFiles(files[0], files[1]).execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isEqualTo(ORDERS);
    }
}
