package dev.billing.tokens;

import dev.billing.batch.BusinessDate;
import dev.billing.batch.NightSteps;
import dev.billing.gateway.ApsClient;
import dev.billing.ledger.RunSettings;
import dev.billing.support.EngineThreads;
import java.time.LocalDate;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code deactivate-tokens} step, run by {@code nightly} after charging and before the reports. */
@Configuration(proxyBeanMethods = false)
public class DeactivateTokensConfiguration {

    public static final String STEP_NAME = "deactivate-tokens";

    @Bean
    Step deactivateTokensStep(NightSteps steps, DeactivateTokensTasklet deactivateTokensTasklet) {
        return steps.tasklet(STEP_NAME, deactivateTokensTasklet);
    }

    @Bean
    @StepScope
    DeactivateTokensTasklet deactivateTokensTasklet(TokenDeactivations ledger, ObjectProvider<ApsClient> client, RunSettings settings,
                                                    @Value(BusinessDate.OF_JOB) LocalDate businessDate, EngineThreads threads) {
        return new DeactivateTokensTasklet(ledger, client.getObject(), settings, businessDate, threads);
    }
}
