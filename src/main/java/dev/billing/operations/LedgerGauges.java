package dev.billing.operations;

import dev.billing.ledger.AttemptQueries;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * What an operator watches between nights, read from the ledger when metrics are scraped: outcomes not yet
 * resolved with the gateway, and verification money not given back yet.
 */
@Component
public class LedgerGauges {

    public LedgerGauges(ObjectProvider<MeterRegistry> registries, AttemptQueries ledger) {
        registries.ifAvailable(registry -> {
            Gauge.builder("billing.outcomes.unknown", ledger::openCount)
                    .description("ledger rows whose outcome is not resolved with the gateway").register(registry);
            Gauge.builder("billing.verification.refunds.owed", ledger::verificationRefundsOwed)
                    .description("verification charges not given back yet").register(registry);
        });
    }
}
