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

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReconcileJobConfiguration.class);

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
    Tasklet reconcileTasklet(ReconciliationReports reports, GatewayReportFiles gatewayReports, @Value(BusinessDate.OF_JOB) LocalDate businessDate,
                             @Value("#{jobParameters['settlement.file']}") String settlement) {
        return (contribution, chunkContext) -> {
            List<String> summary = new java.util.ArrayList<>();
            Path matchWith = matchWith(gatewayReports, businessDate, settlement == null ? null : Path.of(settlement), summary);
            List<Path> files = reports.write(businessDate, matchWith);
            summary.add(0, files.size() + " reports written for " + businessDate);
            for (Path file : files) {
                contribution.getStepExecution().getExecutionContext().putString("report." + file.getFileName(), file.toString());
                summary.add("report: " + file);
            }
            StepSummary.put(contribution.getStepExecution().getExecutionContext(), summary);
            return RepeatStatus.FINISHED;
        };
    }

    /**
     * The gateway's report the date is matched with: the one given now (an upload, {@code --settlement}), kept for the
     * date; else one uploaded for the date before (it wins); else the gateway's own, fetched now when a Reporting API is
     * set (or the simulator is the gateway). A fetch that fails leaves the date unmatched, with a line saying so: the
     * reports are written all the same.
     */
    private static Path matchWith(GatewayReportFiles gatewayReports, LocalDate date, Path given, List<String> summary) {
        if (given != null) {
            summary.add("matched with the report given (" + given.getFileName() + ")");
            return gatewayReports.keepUpload(date, given);
        }
        java.util.Optional<Path> uploaded = gatewayReports.uploaded(date);
        if (uploaded.isPresent()) {
            summary.add("matched with the report uploaded for " + date + " (an upload wins over the gateway's report)");
            return uploaded.get();
        }
        try {
            java.util.Optional<GatewayReportFiles.Fetched> found = gatewayReports.fetch(date);
            if (found.isEmpty()) {
                return null;
            }
            GatewayReportFiles.Fetched fetched = found.get();
            summary.add(String.format("matched with the gateway's report, fetched: %,d transactions in %d window(s)", fetched.rows(),
                    fetched.windows()));
            return fetched.file();
        } catch (RuntimeException e) {
            log.warn("The gateway's report of {} could not be fetched: {}", date, e.getMessage());
            summary.add("the gateway's report could not be fetched (" + e.getMessage() + "): not matched; run reconcile again, or upload"
                    + " the report in the console");
            return null;
        }
    }
}
