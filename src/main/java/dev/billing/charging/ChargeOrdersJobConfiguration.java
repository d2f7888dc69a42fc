package dev.billing.charging;

import dev.billing.batch.BusinessDate;
import dev.billing.batch.NightSteps;
import dev.billing.batch.ProgressListener;
import dev.billing.batch.ProgressProperties;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayAccounts;
import dev.billing.ledger.CardAttempts;
import dev.billing.ledger.RunSettings;
import dev.billing.ledger.VacuumLedgerTasklet;
import dev.billing.support.EngineThreads;
import java.time.LocalDate;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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
    Job chargeOrdersJob(NightSteps steps, Flow chargeFlow) {
        return steps.job(JOB_NAME, chargeFlow);
    }

    /** The steps of charge-orders, as one flow: the job runs it alone, {@code nightly} after verify-tokens' flow. */
    @Bean
    Flow chargeFlow(NightSteps steps, ResolveTasklet resolveTasklet, @Qualifier(PARTITION_STEP) Step chargePartition,
                    ResolveTasklet resolveAfterTasklet, DataSource dataSource) {
        return NightSteps.inOrder("charge-orders-flow",
                steps.tasklet("resolve-unknown", resolveTasklet),
                // a manager that splits the night's tokens into partitions and runs the worker for each (here, or on every
                // serve node: Partitioning); its counts and summary are the partitions' sums
                steps.partitioned("charge", chargePartition, ChargeTasklet.totals()),
                steps.tasklet("resolve-unknown-after", resolveAfterTasklet),
                // the tables the night rewrote, vacuumed at this quiet point rather than by autovacuum during the charge step
                steps.tasklet("vacuum-ledger", new VacuumLedgerTasklet(dataSource)));
    }

    /** The worker step of the charge step's partitions; its bean name is its step name, by which workers find it. */
    public static final String PARTITION_STEP = "charge-partition";

    @Bean(PARTITION_STEP)
    Step chargePartitionStep(NightSteps steps, ChargeTasklet chargeTasklet, ProgressListener chargeProgress) {
        return steps.partitionWorker(PARTITION_STEP, chargeTasklet, chargeProgress);
    }

    @Bean
    @StepScope
    ResolveTasklet resolveTasklet(ChargeLedger ledger, ObjectProvider<ApsClient> client, RunSettings settings,
                                  @Value(BusinessDate.OF_JOB) LocalDate businessDate, EngineThreads threads) {
        return new ResolveTasklet(ledger, client.getObject(), settings, businessDate, threads);
    }

    /** The flow's last step with the gateway: it also reports what the run charged per currency, once everything it can tell is settled. */
    @Bean
    @StepScope
    ResolveTasklet resolveAfterTasklet(ChargeLedger ledger, ObjectProvider<ApsClient> client, RunSettings settings,
                                       @Value(BusinessDate.OF_JOB) LocalDate businessDate, EngineThreads threads) {
        return new ResolveTasklet(ledger, client.getObject(), settings, businessDate, true, threads);
    }

    @Bean
    @StepScope
    ChargeTasklet chargeTasklet(ChargeLedger ledger, CardAttempts cardAttempts, ObjectProvider<ApsClient> client, GatewayAccounts accounts,
                                RunSettings settings, @Value(BusinessDate.OF_JOB) LocalDate businessDate,
                                PlatformTransactionManager transactionManager, EngineThreads threads) {
        return new ChargeTasklet(ledger, cardAttempts, client.getObject(), accounts.names(), settings, businessDate, transactionManager, threads);
    }

    @Bean
    @StepScope
    ProgressListener chargeProgress(ChargeLedger ledger, @Value(BusinessDate.OF_JOB) LocalDate businessDate,
                                    @Value("#{stepExecution}") StepExecution stepExecution, ProgressProperties progress) {
        return NightSteps.progress(JOB_NAME, businessDate, stepExecution, progress, partition -> ledger.countDue(businessDate, partition));
    }
}
