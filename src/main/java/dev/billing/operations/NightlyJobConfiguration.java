package dev.billing.operations;

import javax.sql.DataSource;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code nightly}: the steps of verify-tokens, charge-orders and reconcile, in that order, as one job: a restart
 * resumes it from the step that failed.
 */
@Configuration(proxyBeanMethods = false)
public class NightlyJobConfiguration {

    public static final String JOB_NAME = "nightly";

    @Bean
    Job nightlyJob(JobRepository jobRepository, ExecutionOwnership ownership, DataSource dataSource,
                   Step resolveVerificationsStep, Step giveBackStep, Step verifyStep, Step resolveVerificationsAfterStep,
                   Step giveBackAfterStep, Step resolveBeforeChargingStep, Step chargeStep, Step resolveAfterChargingStep,
                   Step reconcileStep) {
        return new JobBuilder(JOB_NAME, jobRepository)
                .listener((JobExecutionListener) ownership)
                .listener((JobExecutionListener) new JobExclusivity(dataSource, "verify-tokens", "charge-orders"))
                .start(resolveVerificationsStep)
                .next(giveBackStep)
                .next(verifyStep)
                .next(resolveVerificationsAfterStep)
                .next(giveBackAfterStep)
                .next(resolveBeforeChargingStep)
                .next(chargeStep)
                .next(resolveAfterChargingStep)
                .next(reconcileStep)
                .build();
    }
}
