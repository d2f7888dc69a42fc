package dev.billing.tokens;

import dev.billing.batch.BusinessDate;
import dev.billing.gateway.ApsClient;
import dev.billing.ledger.RunSettings;
import java.time.LocalDate;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The {@code deactivate-tokens} step, run by {@code nightly} after charging and before the reports. */
@Configuration(proxyBeanMethods = false)
public class DeactivateTokensConfiguration {

    public static final String STEP_NAME = "deactivate-tokens";

    @Bean
    Step deactivateTokensStep(JobRepository jobRepository, PlatformTransactionManager tm, DeactivateTokensTasklet deactivateTokensTasklet) {
        return new StepBuilder(STEP_NAME, jobRepository).tasklet(deactivateTokensTasklet, tm).build();
    }

    @Bean
    @StepScope
    DeactivateTokensTasklet deactivateTokensTasklet(TokenDeactivations ledger, ObjectProvider<ApsClient> client, RunSettings settings,
                                                    @Value(BusinessDate.OF_JOB) LocalDate businessDate) {
        return new DeactivateTokensTasklet(ledger, client.getObject(), settings, businessDate);
    }
}
