package dev.billing.operations;

import dev.billing.events.EventDeliveries;
import dev.billing.ledger.AttemptQueries;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What an operator watches between nights, read when metrics are scraped: outcomes not yet resolved with the gateway,
 * verification money not given back yet (and for how long), when the last night completed or failed, whether one is
 * running, and the outbox's backlog and lag. {@code ops/prometheus/alerts.yml} and {@code ops/grafana} are written
 * against these names (a test checks that every metric they use is one the engine exports).
 */
@Component
public class LedgerGauges {

    private static final String LAST_NIGHT = """
            SELECT coalesce(extract(epoch FROM max(e.end_time AT TIME ZONE 'UTC')), 0) FROM batch_job_execution e
            JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id WHERE i.job_name = 'nightly' AND e.status = ?""";

    public LedgerGauges(ObjectProvider<MeterRegistry> registries, AttemptQueries ledger, EventDeliveries outbox, JdbcTemplate jdbc) {
        registries.ifAvailable(registry -> {
            Gauge.builder("billing.outcomes.unknown", ledger::openCount)
                    .description("ledger rows whose outcome is not resolved with the gateway").register(registry);
            Gauge.builder("billing.verification.refunds.owed", ledger::verificationRefundsOwed)
                    .description("verification charges not given back yet").register(registry);
            Gauge.builder("billing.verification.refunds.owed.oldest.age", ledger::verificationRefundOwedOldestAgeSeconds).baseUnit("seconds")
                    .description("how long the oldest verification charge not given back has waited").register(registry);
            Gauge.builder("billing.night.last.completed.timestamp", () -> lastNight(jdbc, "COMPLETED")).baseUnit("seconds")
                    .description("when the last nightly that COMPLETED ended (Unix time; 0: none yet)").register(registry);
            Gauge.builder("billing.night.last.failed.timestamp", () -> lastNight(jdbc, "FAILED")).baseUnit("seconds")
                    .description("when the last nightly that FAILED ended (Unix time; 0: none)").register(registry);
            Gauge.builder("billing.night.running", () -> running(jdbc))
                    .description("nightly executions running now").register(registry);
            Gauge.builder("billing.outbox.backlog", outbox::backlog)
                    .description("webhook deliveries not made yet, and events not fanned out yet").register(registry);
            Gauge.builder("billing.outbox.lag", outbox::lagSeconds).baseUnit("seconds")
                    .description("the age of the oldest event not delivered yet").register(registry);
        });
    }

    private static double lastNight(JdbcTemplate jdbc, String status) {
        Double at = jdbc.queryForObject(LAST_NIGHT, Double.class, status);
        return at == null ? 0 : at;
    }

    private static double running(JdbcTemplate jdbc) {
        Long running = jdbc.queryForObject("""
                SELECT count(*) FROM batch_job_execution e JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
                WHERE i.job_name = 'nightly' AND e.status IN ('STARTING', 'STARTED', 'STOPPING')""", Long.class);
        return running == null ? 0 : running;
    }
}
