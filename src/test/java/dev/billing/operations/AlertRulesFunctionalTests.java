package dev.billing.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.events.EventDeliveries;
import dev.billing.ledger.AttemptQueries;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The shipped alert rules and dashboard: {@code promtool} (Debian's {@code prometheus} package, which {@code .ci/run}
 * installs) checks the rules and runs their unit tests, each alert once firing and once silent; and every metric the
 * rules and the dashboard name is one the engine really exports after a night, under that Prometheus name.
 */
@EngineTest
class AlertRulesFunctionalTests {

    private static final Path RULES = Path.of("ops/prometheus/alerts.yml");
    private static final Path DASHBOARD = Path.of("ops/grafana/billing-engine.json");
    private static final Pattern METRIC = Pattern.compile("\\bbilling_[a-z_]+");

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    AttemptQueries ledger;
    @Autowired
    EventDeliveries outbox;

    private static String promtool(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "promtool";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).directory(Path.of("ops/prometheus").toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void promtoolChecksTheRulesAndRunsTheirTestsEachAlertFiringAndSilent() throws Exception {
        assertThat(promtool("check", "rules", "alerts.yml")).contains("SUCCESS: 6 rules found");
        assertThat(promtool("test", "rules", "alerts.test.yml")).contains("SUCCESS");
        String tests = Files.readString(Path.of("ops/prometheus/alerts.test.yml"));
        for (String alert : new TreeSet<>(names(Pattern.compile("- alert: (\\w+)"), Files.readString(RULES)))) {
            Matcher tested = Pattern.compile("alertname: " + alert + "\\s+exp_alerts:\\s*(\\[])?").matcher(tests);
            int firing = 0;
            int silent = 0;
            while (tested.find()) {
                if (tested.group(1) == null) {
                    firing++;
                } else {
                    silent++;
                }
            }
            assertThat(firing).as(alert + " has a firing case").isPositive();
            assertThat(silent).as(alert + " has a silent case").isPositive();
        }
    }

    @Test
    void everyMetricTheRulesAndTheDashboardNameIsOneTheEngineExports() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(prometheus);
        try {
            StaticListableBeanFactory beans = new StaticListableBeanFactory();
            beans.addBean("prometheus", prometheus);
            new LedgerGauges(beans.getBeanProvider(MeterRegistry.class), ledger, outbox, jdbc);
            Fixtures fixtures = new Fixtures(jdbc);
            fixtures.reset();
            fixtures.token("good", "VERIFIED");
            fixtures.token("insufficient-funds-x", "VERIFIED");
            fixtures.order("A-1", "good", 10000, "AED", "SHIPPED", null);
            fixtures.order("A-2", "insufficient-funds-x", 10000, "AED", "SHIPPED", null);
            assertThat(runner.run("nightly", LocalDate.of(2026, 12, 1)).getStatus()).isEqualTo(BatchStatus.COMPLETED);

            String scrape = prometheus.scrape();
            Set<String> exported = names(METRIC, scrape);
            Set<String> named = names(METRIC, Files.readString(RULES));
            named.addAll(names(METRIC, Files.readString(DASHBOARD)));
            assertThat(named).hasSizeGreaterThan(8);
            for (String name : named) {
                String base = name.endsWith("_bucket") ? name.substring(0, name.length() - "_bucket".length()) + "_count" : name;
                assertThat(exported).as(name + " is exported").contains(base);
            }
            assertThat(scrape).contains("billing_charges_total{currency=\"AED\",outcome=\"SOFT_DECLINE\"} 1.0");
            assertThat(scrape).containsPattern("billing_night_last_completed_timestamp_seconds 1\\.[0-9]+E9");
            assertThat(scrape).contains("billing_night_running 0.0");
        } finally {
            Metrics.removeRegistry(prometheus);
            prometheus.close();
        }
    }

    private static Set<String> names(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.groupCount() > 0 ? m.group(1) : m.group());
        }
        return found;
    }
}
