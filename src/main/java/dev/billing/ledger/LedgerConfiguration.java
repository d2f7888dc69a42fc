package dev.billing.ledger;

import dev.billing.gateway.AgreementPolicy;
import dev.billing.gateway.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The ledger's settings, bound and checked when the engine starts. */
@Configuration(proxyBeanMethods = false)
public class LedgerConfiguration {

    @Bean
    RunSettings runSettings(LedgerProperties ledger, GatewayProperties gateway) {
        return RunSettings.of(ledger, gateway.maxConcurrency(), gateway.unreachableAfter(),
                gateway.agreementId() == AgreementPolicy.REQUIRED);
    }
}
