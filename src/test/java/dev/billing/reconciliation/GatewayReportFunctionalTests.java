package dev.billing.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsReporting;
import dev.billing.gateway.GatewayProperties;
import dev.billing.simulator.ApsSimulator;
import dev.billing.simulator.SimulatorProperties;
import dev.billing.simulator.SimulatorStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * reconcile fetches the gateway's own transaction report (APS's Reporting API, here a simulator standing in as a real
 * gateway with its own credentials) and matches the date with it, refunds included, with nobody uploading a file; an
 * uploaded report of a date wins over the gateway's, then and later; what is kept of a report never holds a card number.
 */
@EngineTest
class GatewayReportFunctionalTests {

    private static final String NIGHT = "2026-11-27";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    ReconciliationReports reports;
    @Autowired
    dev.billing.support.EngineProperties engine;
    @TempDir
    Path dir;

    private Fixtures fixtures;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.token("good", "VERIFIED");
        fixtures.order("G-1", "good", 1250, "AED", "SHIPPED", null);
        fixtures.order("G-2", "good", 3000, "KWD", "SHIPPED", null);
        fixtures.order("G-3", "good", 777, "AED", "SHIPPED", null);
        try (Stream<Path> kept = Files.exists(Path.of("target/test-data/settlements/matched"))
                ? Files.list(Path.of("target/test-data/settlements/matched")) : Stream.empty()) {
            for (Path file : kept.toList()) {
                Files.delete(file);
            }
        }
    }

    private int run(ApsSimulator gateway, String... args) {
        return run(gateway, List.of(), args);
    }

    private int run(ApsSimulator gateway, List<String> settings, String... args) {
        out.reset();
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(settings);
        all.addAll(List.of("--billing.gateway.url=" + gateway.url(), "--billing.gateway.access-code=ReportAccess01",
                "--billing.gateway.merchant-identifier=MERCH44", "--billing.gateway.request-phrase=req-phrase-44",
                "--billing.gateway.response-phrase=resp-phrase-44", "--billing.gateway.reporting-url=" + gateway.reportingUrl()));
        return Fixtures.cli(out, out).execute(all.toArray(String[]::new));
    }

    private List<String> lines(String date, String file) throws Exception {
        return Files.readAllLines(reports.directory(LocalDate.parse(date)).resolve(file + "-" + date + ".csv"));
    }

    @Test
    void theNightIsMatchedWithTheGatewaysOwnReportRefundsIncludedAndAnUploadWins() throws Exception {
        GatewayProperties merchant = new GatewayProperties(null, "ReportAccess01", "MERCH44", "req-phrase-44", "resp-phrase-44",
                "SHA-256", "en", Duration.ofSeconds(5), Duration.ofSeconds(2), 32, 0, null, null);
        try (ApsSimulator gateway = new ApsSimulator(new SimulatorStore(dataSource, false), merchant, SimulatorProperties.none(), 0)) {
            assertThat(run(gateway, "run", "charge-orders", "--date", NIGHT)).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(run(gateway, "refund", "G-1", "--amount", "2.50", "--reason", "damaged")).as(out.toString(StandardCharsets.UTF_8))
                    .isZero();

            // the night: its charges were made today, after their business date, and are found in the report all the same
            assertThat(run(gateway, "run", "reconcile", "--date", NIGHT)).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("matched with the gateway's report, fetched: ");
            assertThat(lines(NIGHT, "matching")).filteredOn(l -> l.startsWith("MATCHED,")).hasSize(3)
                    .anySatisfy(l -> assertThat(l).startsWith("MATCHED,CH-G-1-1,PURCHASE,"));
            assertThat(lines(NIGHT, "matching")).noneSatisfy(l -> assertThat(l).startsWith("MISSING_AT_GATEWAY"))
                    .noneSatisfy(l -> assertThat(l).startsWith("MISSING_IN_LEDGER"));
            assertThat(lines(NIGHT, "summary")).contains("AED,MATCHING,MATCHED,2,20.27", "KWD,MATCHING,MATCHED,1,3.000");

            // the refund belongs to today, and is matched as a REFUND of its charge
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            assertThat(run(gateway, "run", "reconcile", "--date", today)).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(lines(today, "matching")).anySatisfy(l -> assertThat(l).startsWith("MATCHED,CH-G-1-1,REFUND,").contains(",2.50,2.50,AED,SUCCESS,06,"));

            // an upload for the night wins, now and at the next reconcile of that date
            Path upload = Files.writeString(dir.resolve("aps.csv"), """
                    merchant_reference,operation,amount,currency,status,card_number
                    CH-G-1-1,PURCHASE,1250,AED,14,4005550000000001
                    """);
            assertThat(run(gateway, "run", "reconcile", "--date", NIGHT, "--settlement", upload.toString())).isZero();
            assertThat(run(gateway, "run", "reconcile", "--date", NIGHT)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("an upload wins over the gateway's report");
            assertThat(lines(NIGHT, "matching")).filteredOn(l -> l.startsWith("MATCHED,")).hasSize(1);
            assertThat(lines(NIGHT, "matching")).filteredOn(l -> l.startsWith("MISSING_AT_GATEWAY,")).hasSize(2);
            try (Stream<Path> kept = Files.list(Path.of("target/test-data/settlements/matched"))) {
                for (Path file : kept.toList()) {
                    assertThat(Files.readString(file)).as(file.toString()).doesNotContain("4005550000000001");
                }
            }
        }
    }

    @Test
    void aDayTooLargeForOneReportIsFetchedInWindowsAndASecondTooFullIsRefusedNotMatchedShort() throws Exception {
        GatewayProperties merchant = new GatewayProperties(null, "ReportAccess01", "MERCH44", "req-phrase-44", "resp-phrase-44",
                "SHA-256", "en", Duration.ofSeconds(5), Duration.ofSeconds(2), 32, 0, null, null);
        List<String> twoAtMost = List.of("--billing.gateway.report-max-rows=2");
        try (ApsSimulator gateway = new ApsSimulator(new SimulatorStore(dataSource, false), merchant,
                SimulatorProperties.none().withReportMaxRows(2), 0)) {
            assertThat(run(gateway, "run", "charge-orders", "--date", NIGHT)).isZero();
            // the gateway made the night's three charges hours apart: a report holds two at most, so no window of them all will do
            java.sql.Timestamp start = java.sql.Timestamp.from(LocalDate.parse(NIGHT).atStartOfDay(engine.zone()).toInstant());
            jdbc.update("""
                    UPDATE aps_simulator.orders o SET created_at = CAST(? AS timestamptz) + x.n * 5 * interval '1 hour'
                    FROM (SELECT merchant_reference, row_number() OVER (ORDER BY merchant_reference) AS n
                          FROM aps_simulator.orders WHERE merchant_identifier = 'MERCH44') x
                    WHERE o.merchant_identifier = 'MERCH44' AND o.merchant_reference = x.merchant_reference""", start);

            assertThat(run(gateway, twoAtMost, "run", "reconcile", "--date", NIGHT)).as(out.toString(StandardCharsets.UTF_8)).isZero();
            java.util.regex.Matcher fetched = java.util.regex.Pattern.compile("fetched: 3 transactions in (\\d+) window")
                    .matcher(out.toString(StandardCharsets.UTF_8));
            assertThat(fetched.find()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
            assertThat(Integer.parseInt(fetched.group(1))).isGreaterThan(3);
            assertThat(lines(NIGHT, "matching")).filteredOn(l -> l.startsWith("MATCHED,")).hasSize(3);
            assertThat(Files.readAllLines(Path.of("target/test-data/settlements/matched").resolve(NIGHT + ".gateway.csv"))).hasSize(4);

            // all three in one second: no window holds them whole, and the date is not matched with a report that lacks one
            jdbc.update("UPDATE aps_simulator.orders SET created_at = CAST(? AS timestamptz) + interval '1 hour' WHERE merchant_identifier = 'MERCH44'",
                    start);
            assertThat(run(gateway, twoAtMost, "run", "reconcile", "--date", NIGHT)).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("could not be fetched").contains("cannot be fetched whole");
            assertThat(lines(NIGHT, "summary")).noneSatisfy(l -> assertThat(l).contains(",MATCHING,MATCHED,"));
        }
    }

    @Test
    void aReportRequestIsSignedWithItsListsAndABadlySignedOneIsRefused() throws Exception {
        GatewayProperties merchant = new GatewayProperties(null, "ReportAccess01", "MERCH44", "req-phrase-44", "resp-phrase-44",
                "SHA-256", "en", Duration.ofSeconds(5), Duration.ofSeconds(2), 32, 0, null, null);
        GatewayProperties wrong = new GatewayProperties(null, "ReportAccess01", "MERCH44", "another-phrase", "resp-phrase-44",
                "SHA-256", "en", Duration.ofSeconds(5), Duration.ofSeconds(2), 32, 0, null, null);
        try (ApsSimulator gateway = new ApsSimulator(new SimulatorStore(dataSource, false), merchant, SimulatorProperties.none(), 0)) {
            assertThat(run(gateway, "run", "charge-orders", "--date", NIGHT)).isZero();
            java.time.OffsetDateTime from = java.time.OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);
            java.time.OffsetDateTime to = from.plusHours(2);
            List<java.util.Map<String, String>> rows = new java.util.ArrayList<>();
            long n = new ApsReporting(merchant, gateway.reportingUrl()).fetch("RPT-TEST-1", from, to, rows::add);
            assertThat(n).isEqualTo(3);
            assertThat(rows).extracting(r -> r.get("operation")).containsOnly("PURCHASE");
            assertThat(rows).allSatisfy(r -> assertThat(r).doesNotContainKey("card_number"));

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ApsReporting(wrong, gateway.reportingUrl())
                    .fetch("RPT-TEST-2", from, to, rows::add)).hasMessage("the gateway refused GENERATE_REPORT: 00008 Signature mismatch");
        }
    }
}
