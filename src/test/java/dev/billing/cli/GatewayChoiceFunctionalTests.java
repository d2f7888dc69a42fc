package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.command.ExitCodes;
import dev.billing.gateway.GatewayProperties;
import dev.billing.operations.JobRunner;
import dev.billing.reconciliation.ReconciliationReports;
import dev.billing.simulator.ApsSimulator;
import dev.billing.simulator.SimulatorProperties;
import dev.billing.simulator.SimulatorStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The simulator is the gateway only where it is chosen, and a night on it says so everywhere; a business date after
 * tomorrow is run only when asked for, and that is audited.
 */
@EngineTest
class GatewayChoiceFunctionalTests {

    private static final String NIGHT = "2026-11-27";
    private static final String NOT_CHOSEN = "--billing.gateway.simulator=false";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    JobRunner runner;
    @Autowired
    ReconciliationReports reports;
    @TempDir
    Path dir;

    private Fixtures fixtures;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void reset() {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.token("good", "VERIFIED");
        fixtures.order("O-1", "good", 1250, "AED", "SHIPPED", null);
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return Fixtures.cli(out, err).execute(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private long attempts() {
        return jdbc.queryForObject("SELECT count(*) FROM payment_attempts", Long.class);
    }

    @Test
    void withNoGatewayChosenNothingThatCallsOneStartsAndNothingIsCharged() throws Exception {
        assertThat(run("run", "charge-orders", "--date", NIGHT, NOT_CHOSEN)).as(err()).isEqualTo(ExitCodes.USAGE);
        assertThat(err().lines().toList()).singleElement().asString()
                .startsWith("error: no gateway is set: set billing.gateway.url").contains("billing.gateway.simulator=true");
        assertThat(attempts()).isZero();
        assertThat(fixtures.orderStatus("O-1")).isEqualTo("SHIPPED");

        Files.writeString(dir.resolve("nightly.yml"), "job: nightly\ncron: \"0 30 4 * * ?\"\nzone: UTC\nbusiness-date: previous-day\n");
        assertThat(run("serve", NOT_CHOSEN, "--server.port=0", "--billing.schedules.dir=" + dir)).as(err()).isEqualTo(ExitCodes.USAGE);
        assertThat(err()).startsWith("error: no gateway is set");
        assertThat(out()).doesNotContain("serving;");

        assertThat(run("run", "reconcile", "--date", NIGHT, NOT_CHOSEN)).as("reconcile calls no gateway: " + err()).isZero();

        // a charge run that failed is not restarted onto a gateway nobody chose either
        long id = runner.run("charge-orders", LocalDate.parse(NIGHT)).getId();
        jdbc.update("UPDATE batch_job_execution SET status = 'FAILED', exit_code = 'FAILED', end_time = now() WHERE job_execution_id = ?", id);
        assertThat(run("jobs", "restart", Long.toString(id), NOT_CHOSEN)).as(err()).isEqualTo(ExitCodes.USAGE);
        assertThat(err()).startsWith("error: no gateway is set");
    }

    @Test
    void aNightOnTheSimulatorSaysSimulatedInItsSummaryItsReportsAndItsMatching() throws Exception {
        assertThat(run("run", "nightly", "--date", NIGHT)).as(err()).isZero();

        assertThat(out()).contains("nightly COMPLETED").contains("SIMULATED: its calls went to the built-in simulator; no card was charged");
        assertThat(jdbc.queryForList("SELECT DISTINCT gateway FROM payment_attempts", String.class)).containsExactly("simulator");
        Path day = reports.directory(LocalDate.parse(NIGHT));
        List<String> transactions = Files.readAllLines(day.resolve("transactions-" + NIGHT + ".csv"));
        assertThat(transactions.get(0)).endsWith(",processed_at,gateway");
        assertThat(transactions.subList(1, transactions.size())).isNotEmpty().allSatisfy(row -> assertThat(row).endsWith(",simulator"));
        assertThat(Files.readString(day.resolve("summary-" + NIGHT + ".csv"))).contains("AED,SIMULATED,MOVEMENTS,1,12.50\n");
        assertThat(Files.readAllLines(day.resolve("exceptions-" + NIGHT + ".csv")).get(1))
                .startsWith("SIMULATED,simulator,,,,,1 movements of " + NIGHT + " went to the built-in simulator");

        Path settlement = dir.resolve("aps.csv");
        Files.writeString(settlement, "merchant_reference,operation,amount,currency,status\nCH-O-1-1,PURCHASE,1250,AED,14\n");
        assertThat(run("run", "reconcile", "--date", NIGHT, "--settlement", settlement.toString())).as(err()).isZero();

        assertThat(Files.readAllLines(day.resolve("matching-" + NIGHT + ".csv")).get(1)).startsWith("SIMULATED,CH-O-1-1,PURCHASE")
                .contains("never matched as real money");
        assertThat(Files.readString(day.resolve("summary-" + NIGHT + ".csv"))).contains("AED,MATCHING,SIMULATED,1,12.50\n")
                .doesNotContain("MATCHING,MATCHED");
    }

    @Test
    void aNightOnARealGatewayRecordsItsHostAndIsNotSimulated() throws Exception {
        GatewayProperties merchant = new GatewayProperties(null, "RealAccess0002", "MERCH43", "req-phrase", "resp-phrase",
                "SHA-256", "en", Duration.ofSeconds(5), Duration.ofSeconds(2), 32, 0, null, null);
        try (ApsSimulator gateway = new ApsSimulator(new SimulatorStore(dataSource, false), merchant, SimulatorProperties.none(), 0)) {
            assertThat(run("run", "charge-orders", "--date", NIGHT, "--billing.gateway.url=" + gateway.url(),
                    "--billing.gateway.access-code=RealAccess0002", "--billing.gateway.merchant-identifier=MERCH43",
                    "--billing.gateway.request-phrase=req-phrase", "--billing.gateway.response-phrase=resp-phrase")).as(err()).isZero();

            assertThat(out()).contains("charge-orders COMPLETED").doesNotContain("SIMULATED");
            assertThat(jdbc.queryForList("SELECT DISTINCT gateway FROM payment_attempts", String.class))
                    .containsExactly("127.0.0.1:" + gateway.url().getPort());
            assertThat(fixtures.orderStatus("O-1")).isEqualTo("PAID");
        }
    }

    @Test
    void aDateAfterTomorrowIsRefusedUnlessAskedForAndThenAudited() throws Exception {
        LocalDate today = runner.today();
        LocalDate future = today.plusDays(2);
        fixtures.order("LATER", "good", 900, "JPY", "DEFERRED", future);
        long audited = jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE action = 'FUTURE_DATE_RUN'", Long.class);
        // the audit trail is never emptied, and the test database outlives a run: what this run adds is counted
        long auditedForTheDate = jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE action = 'FUTURE_DATE_RUN' AND target = ?",
                Long.class, "charge-orders for " + future);

        assertThat(run("run", "charge-orders", "--date", future.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err().lines().toList()).singleElement().asString()
                .isEqualTo("error: --date " + future + " is after tomorrow (today is " + today + " in billing.zone): a date's deferred"
                        + " orders fall due on it, not before; give --allow-future-date to run it anyway (audited)");
        assertThat(attempts()).isZero();

        assertThat(run("run", "charge-orders", "--date", today.plusDays(1).toString())).as("a day of slack: " + err()).isZero();
        assertThat(fixtures.orderStatus("LATER")).isEqualTo("DEFERRED");

        assertThat(run("run", "charge-orders", "--date", future.toString(), "--allow-future-date")).as(err()).isZero();
        assertThat(fixtures.orderStatus("LATER")).isEqualTo("PAID");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE action = 'FUTURE_DATE_RUN' AND target = ?", Long.class,
                "charge-orders for " + future) - auditedForTheDate).isOne();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE action = 'FUTURE_DATE_RUN'", Long.class) - audited).isOne();
    }
}
