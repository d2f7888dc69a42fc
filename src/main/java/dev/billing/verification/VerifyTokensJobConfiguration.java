package dev.billing.verification;

import dev.billing.batch.BusinessDate;
import dev.billing.batch.ExecutionOwnership;
import dev.billing.batch.JobExclusivity;
import dev.billing.batch.PartitionNodes;
import dev.billing.batch.Partitioning;
import dev.billing.batch.ProgressListener;
import dev.billing.batch.ProgressProperties;
import dev.billing.batch.TokenPartition;
import dev.billing.gateway.ApsClient;
import dev.billing.ledger.CardAttempts;
import dev.billing.ledger.RunSettings;
import java.time.LocalDate;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.job.flow.support.SimpleFlow;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code verify-tokens}: settle the micro-charges earlier runs left unknown, give back every one still owed, verify
 * every NEW token (a micro-charge given back at once), then settle and give back again, so that no run ends with a
 * refund owed that it did not try.
 */
@Configuration(proxyBeanMethods = false)
public class VerifyTokensJobConfiguration {

    public static final String JOB_NAME = "verify-tokens";

    @Bean
    Job verifyTokensJob(JobRepository jobRepository, ExecutionOwnership ownership, DataSource dataSource, Flow verifyFlow) {
        return new JobBuilder(JOB_NAME, jobRepository)
                .listener((JobExecutionListener) ownership)
                .listener((JobExecutionListener) new JobExclusivity(dataSource))
                .start(verifyFlow)
                .end()
                .build();
    }

    /** The steps of verify-tokens, as one flow: the job runs it alone, {@code nightly} before charge-orders' flow. */
    @Bean
    Flow verifyFlow(Step resolveVerificationsStep, Step giveBackStep, Step verifyStep, Step resolveVerificationsAfterStep,
                    Step giveBackAfterStep) {
        return new FlowBuilder<SimpleFlow>("verify-tokens-flow")
                .start(resolveVerificationsStep)
                .next(giveBackStep)
                .next(verifyStep)
                .next(resolveVerificationsAfterStep)
                .next(giveBackAfterStep)
                .build();
    }

    @Bean
    Step resolveVerificationsStep(JobRepository repo, PlatformTransactionManager tm, ResolveVerificationsTasklet resolveVerificationsTasklet) {
        return new StepBuilder("resolve-verifications", repo).tasklet(resolveVerificationsTasklet, tm).build();
    }

    @Bean
    Step giveBackStep(JobRepository repo, PlatformTransactionManager tm, GiveBackTasklet giveBackTasklet) {
        return new StepBuilder("give-back-owed", repo).tasklet(giveBackTasklet, tm).build();
    }

    /**
     * The verify step: a manager that splits the NEW tokens into partitions and runs {@link #PARTITION_STEP} for each
     * (here, or on every serve node: {@link Partitioning}); its counts and summary are the partitions' sums.
     */
    @Bean
    Step verifyStep(Partitioning partitioning, @Qualifier(PARTITION_STEP) Step verifyPartition) {
        return partitioning.manager("verify", verifyPartition, VerifyTasklet.totals());
    }

    /** The worker step of the verify step's partitions; its bean name is its step name, by which workers find it. */
    public static final String PARTITION_STEP = "verify-partition";

    @Bean(PARTITION_STEP)
    Step verifyPartitionStep(JobRepository repo, PlatformTransactionManager tm, VerifyTasklet verifyTasklet, ProgressListener verifyProgress) {
        return new StepBuilder(PARTITION_STEP, repo).tasklet(verifyTasklet, tm)
                .listener(new PartitionNodes())
                .listener((StepExecutionListener) verifyTasklet)
                .listener((StepExecutionListener) verifyProgress)
                .listener((ChunkListener<?, ?>) verifyProgress)
                .build();
    }

    @Bean
    @StepScope
    ProgressListener verifyProgress(JdbcTemplate jdbc, @Value(BusinessDate.OF_JOB) LocalDate businessDate,
                                    @Value("#{stepExecution}") org.springframework.batch.core.step.StepExecution stepExecution,
                                    ProgressProperties progress) {
        TokenPartition partition = TokenPartition.of(stepExecution.getExecutionContext());
        long total = progress.enabled()
                ? jdbc.queryForObject("SELECT count(*) FROM tokens WHERE status = 'NEW'" + partition.filter("token_name"), Long.class) : 0;
        return new ProgressListener(JOB_NAME + " " + businessDate + (partition.count() == 1 ? "" : " (" + partition + ")"), total,
                progress.out(), progress.interval());
    }

    @Bean
    Step resolveVerificationsAfterStep(JobRepository repo, PlatformTransactionManager tm, ResolveVerificationsTasklet resolveVerificationsTasklet) {
        return new StepBuilder("resolve-verifications-after", repo).tasklet(resolveVerificationsTasklet, tm).build();
    }

    @Bean
    Step giveBackAfterStep(JobRepository repo, PlatformTransactionManager tm, GiveBackTasklet giveBackTasklet) {
        return new StepBuilder("give-back-owed-after", repo).tasklet(giveBackTasklet, tm).build();
    }

    @Bean
    @StepScope
    ResolveVerificationsTasklet resolveVerificationsTasklet(VerificationLedger ledger, ObjectProvider<ApsClient> client,
                                                            RunSettings common, VerificationProperties settings) {
        return new ResolveVerificationsTasklet(ledger, client.getObject(), common, settings);
    }

    @Bean
    @StepScope
    GiveBackTasklet giveBackTasklet(VerificationLedger ledger, ObjectProvider<ApsClient> client, RunSettings common,
                                    VerificationProperties settings, @Value(BusinessDate.OF_JOB) LocalDate businessDate) {
        return new GiveBackTasklet(ledger, client.getObject(), common, settings, businessDate);
    }

    @Bean
    @StepScope
    VerifyTasklet verifyTasklet(VerificationLedger ledger, CardAttempts cardAttempts, ObjectProvider<ApsClient> client, RunSettings common,
                                VerificationProperties settings, @Value(BusinessDate.OF_JOB) LocalDate businessDate,
                                PlatformTransactionManager transactionManager) {
        return new VerifyTasklet(ledger, cardAttempts, client.getObject(), common, settings, businessDate, transactionManager);
    }
}
