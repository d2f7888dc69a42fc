package dev.billing.operations;

import dev.billing.batch.ExecutionOwnership;
import dev.billing.batch.JobExclusivity;
import dev.billing.charging.ChargeOrdersJobConfiguration;
import dev.billing.verification.VerifyTokensJobConfiguration;
import javax.sql.DataSource;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code nightly}: verify-tokens' flow, charge-orders' flow, the deactivate-tokens step and the reconcile step, composed (Spring Batch's
 * "Externalizing Flow Definitions"): one job, so a restart resumes it from the step that failed, and no second list
 * of the same steps.
 */
@Configuration(proxyBeanMethods = false)
public class NightlyJobConfiguration {

    public static final String JOB_NAME = "nightly";

    @Bean
    Job nightlyJob(JobRepository jobRepository, ExecutionOwnership ownership, DataSource dataSource, Flow verifyFlow,
                   Flow chargeFlow, Step deactivateTokensStep, Step reconcileStep, NightEvents events) {
        return new JobBuilder(JOB_NAME, jobRepository)
                .listener((JobExecutionListener) ownership)
                .listener((JobExecutionListener) events)
                .listener((JobExecutionListener) new JobExclusivity(dataSource, VerifyTokensJobConfiguration.JOB_NAME,
                        ChargeOrdersJobConfiguration.JOB_NAME))
                .start(verifyFlow)
                .next(chargeFlow)
                .next(deactivateTokensStep)
                .next(reconcileStep)
                .end()
                .build();
    }
}
