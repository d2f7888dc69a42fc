package dev.billing.charging;

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
import dev.billing.ledger.VacuumLedgerTasklet;
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
 * {@code charge-orders}: resolve what earlier runs left unknown, charge every order due on the business date,
 * then resolve what this run left unknown. The business date is the one identifying parameter, so running a date
 * again after it completed does nothing, and running it after it failed resumes it.
 */
@Configuration(proxyBeanMethods = false)
public class ChargeOrdersJobConfiguration {

    public static final String JOB_NAME = "charge-orders";

    @Bean
    Job chargeOrdersJob(JobRepository jobRepository, ExecutionOwnership ownership, DataSource dataSource, Flow chargeFlow) {
        return new JobBuilder(JOB_NAME, jobRepository)
                .listener((JobExecutionListener) ownership)
                .listener((JobExecutionListener) new JobExclusivity(dataSource))
                .start(chargeFlow)
                .end()
                .build();
    }

    /** The steps of charge-orders, as one flow: the job runs it alone, {@code nightly} after verify-tokens' flow. */
    @Bean
    Flow chargeFlow(Step resolveBeforeChargingStep, Step chargeStep, Step resolveAfterChargingStep, Step vacuumLedgerStep) {
        return new FlowBuilder<SimpleFlow>("charge-orders-flow")
                .start(resolveBeforeChargingStep)
                .next(chargeStep)
                .next(resolveAfterChargingStep)
                .next(vacuumLedgerStep)
                .build();
    }

    /** Vacuums the tables the night rewrote, at this quiet point rather than by autovacuum during the charge step. */
    @Bean
    Step vacuumLedgerStep(JobRepository jobRepository, PlatformTransactionManager tm, DataSource dataSource) {
        return new StepBuilder("vacuum-ledger", jobRepository).tasklet(new VacuumLedgerTasklet(dataSource), tm).build();
    }

    @Bean
    Step resolveBeforeChargingStep(JobRepository jobRepository, PlatformTransactionManager tm, ResolveTasklet resolveTasklet) {
        return new StepBuilder("resolve-unknown", jobRepository).tasklet(resolveTasklet, tm).build();
    }

    /**
     * The charge step: a manager that splits the night's tokens into partitions and runs {@link #PARTITION_STEP} for
     * each (here, or on every serve node: {@link Partitioning}); its counts and summary are the partitions' sums.
     */
    @Bean
    Step chargeStep(Partitioning partitioning, @Qualifier(PARTITION_STEP) Step chargePartition) {
        return partitioning.manager("charge", chargePartition, ChargeTasklet.totals());
    }

    /** The worker step of the charge step's partitions; its bean name is its step name, by which workers find it. */
    public static final String PARTITION_STEP = "charge-partition";

    @Bean(PARTITION_STEP)
    Step chargePartitionStep(JobRepository jobRepository, PlatformTransactionManager tm, ChargeTasklet chargeTasklet,
                             ProgressListener chargeProgress) {
        return new StepBuilder(PARTITION_STEP, jobRepository)
                .tasklet(chargeTasklet, tm)
                .listener(new PartitionNodes())
                .listener((StepExecutionListener) chargeTasklet)
                .listener((StepExecutionListener) chargeProgress)
                .listener((ChunkListener<?, ?>) chargeProgress)
                .build();
    }

    @Bean
    Step resolveAfterChargingStep(JobRepository jobRepository, PlatformTransactionManager tm, ResolveTasklet resolveAfterTasklet) {
        return new StepBuilder("resolve-unknown-after", jobRepository).tasklet(resolveAfterTasklet, tm).build();
    }

    @Bean
    @StepScope
    ResolveTasklet resolveTasklet(ChargeLedger ledger, ObjectProvider<ApsClient> client, RunSettings settings,
                                  @Value(BusinessDate.OF_JOB) LocalDate businessDate) {
        return new ResolveTasklet(ledger, client.getObject(), settings, businessDate);
    }

    /** The flow's last step with the gateway: it also reports what the run charged per currency, once everything it can tell is settled. */
    @Bean
    @StepScope
    ResolveTasklet resolveAfterTasklet(ChargeLedger ledger, ObjectProvider<ApsClient> client, RunSettings settings,
                                       @Value(BusinessDate.OF_JOB) LocalDate businessDate) {
        return new ResolveTasklet(ledger, client.getObject(), settings, businessDate, true);
    }

    @Bean
    @StepScope
    ChargeTasklet chargeTasklet(ChargeLedger ledger, CardAttempts cardAttempts, ObjectProvider<ApsClient> client, RunSettings settings,
                                @Value(BusinessDate.OF_JOB) LocalDate businessDate,
                                PlatformTransactionManager transactionManager) {
        return new ChargeTasklet(ledger, cardAttempts, client.getObject(), settings, businessDate, transactionManager);
    }

    @Bean
    @StepScope
    ProgressListener chargeProgress(ChargeLedger ledger, JdbcTemplate jdbc,
                                    @Value(BusinessDate.OF_JOB) LocalDate businessDate,
                                    @Value("#{stepExecution}") org.springframework.batch.core.step.StepExecution stepExecution,
                                    ProgressProperties progress) {
        TokenPartition partition = TokenPartition.of(stepExecution.getExecutionContext());
        long due = progress.enabled() ? ledger.countDue(businessDate, partition) : 0;
        return new ProgressListener(JOB_NAME + " " + businessDate + (partition.count() == 1 ? "" : " (" + partition + ")"), due,
                progress.out(), progress.interval());
    }
}
