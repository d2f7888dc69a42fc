package dev.billing.operations;

import dev.billing.ledger.AttemptState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What an operator watches between nights, read from the ledger when metrics are scraped: outcomes not yet
 * resolved with the gateway, and verification money not given back yet.
 */
@Component
public class LedgerGauges {

    public LedgerGauges(ObjectProvider<MeterRegistry> registries, JdbcTemplate jdbc) {
        registries.ifAvailable(registry -> {
            Gauge.builder("billing.outcomes.unknown", () -> count(jdbc,
                            "SELECT count(*) FROM payment_attempts WHERE state IN " + AttemptState.OPEN_SQL))
                    .description("ledger rows whose outcome is not resolved with the gateway").register(registry);
            Gauge.builder("billing.verification.refunds.owed", () -> count(jdbc, "SELECT count(*) FROM verification_charges_owed"))
                    .description("verification charges not given back yet").register(registry);
        });
    }

    private static double count(JdbcTemplate jdbc, String sql) {
        Long n = jdbc.queryForObject(sql, Long.class);
        return n == null ? 0 : n;
    }
}
