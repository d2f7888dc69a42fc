package dev.billing.reconciliation;

import dev.billing.batch.BusinessDate;
import dev.billing.batch.ExecutionOwnership;
import dev.billing.batch.NightSteps;
import dev.billing.batch.StepSummary;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code reconcile}: one step that writes the business date's reports from committed ledger rows. */
@Configuration(proxyBeanMethods = false)
public class ReconcileJobConfiguration {

    public static final String JOB_NAME = "reconcile";

    @Bean
    Job reconcileJob(JobRepository jobRepository, ExecutionOwnership ownership, Step reconcileStep) {
        return new JobBuilder(JOB_NAME, jobRepository)
                .listener((JobExecutionListener) ownership)
                .start(reconcileStep)
                .build();
    }

    @Bean
    Step reconcileStep(NightSteps steps, Tasklet reconcileTasklet) {
        return steps.tasklet(JOB_NAME, reconcileTasklet);
    }

    @Bean
    @StepScope
    Tasklet reconcileTasklet(ReconciliationReports reports, @Value(BusinessDate.OF_JOB) LocalDate businessDate,
                             @Value("#{jobParameters['settlement.file']}") String settlement) {
        return (contribution, chunkContext) -> {
            List<Path> files = reports.write(businessDate, settlement == null ? null : Path.of(settlement));
            List<String> summary = new java.util.ArrayList<>();
            summary.add(files.size() + " reports written for " + businessDate);
            for (Path file : files) {
                contribution.getStepExecution().getExecutionContext().putString("report." + file.getFileName(), file.toString());
                summary.add("report: " + file);
            }
            StepSummary.put(contribution.getStepExecution().getExecutionContext(), summary);
            return RepeatStatus.FINISHED;
        };
    }
}
