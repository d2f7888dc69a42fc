package dev.billing.verification;

import dev.billing.batch.BusinessDate;
import dev.billing.batch.NightSteps;
import dev.billing.batch.ProgressListener;
import dev.billing.batch.ProgressProperties;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayAccounts;
import dev.billing.ledger.CardAttempts;
import dev.billing.ledger.RunSettings;
import dev.billing.support.EngineThreads;
import java.time.LocalDate;
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
 * {@code verify-tokens}: settle the micro-charges earlier runs left unknown, give back every one still owed, verify
 * every NEW token (a micro-charge given back at once), then settle and give back again, so that no run ends with a
 * refund owed that it did not try.
 */
@Configuration(proxyBeanMethods = false)
public class VerifyTokensJobConfiguration {

    public static final String JOB_NAME = "verify-tokens";

    @Bean
    Job verifyTokensJob(NightSteps steps, Flow verifyFlow) {
        return steps.job(JOB_NAME, verifyFlow);
    }

    /** The steps of verify-tokens, as one flow: the job runs it alone, {@code nightly} before charge-orders' flow. */
    @Bean
    Flow verifyFlow(NightSteps steps, ResolveVerificationsTasklet resolveVerificationsTasklet, GiveBackTasklet giveBackTasklet,
                    @Qualifier(PARTITION_STEP) Step verifyPartition) {
        return NightSteps.inOrder("verify-tokens-flow",
                steps.tasklet("resolve-verifications", resolveVerificationsTasklet),
                steps.tasklet("give-back-owed", giveBackTasklet),
                // a manager that splits the NEW tokens into partitions and runs the worker for each (here, or on every serve
                // node: Partitioning); its counts and summary are the partitions' sums
                steps.partitioned("verify", verifyPartition, VerifyTasklet.totals()),
                steps.tasklet("resolve-verifications-after", resolveVerificationsTasklet),
                steps.tasklet("give-back-owed-after", giveBackTasklet));
    }

    /** The worker step of the verify step's partitions; its bean name is its step name, by which workers find it. */
    public static final String PARTITION_STEP = "verify-partition";

    @Bean(PARTITION_STEP)
    Step verifyPartitionStep(NightSteps steps, VerifyTasklet verifyTasklet, ProgressListener verifyProgress) {
        return steps.partitionWorker(PARTITION_STEP, verifyTasklet, verifyProgress);
    }

    @Bean
    @StepScope
    ProgressListener verifyProgress(VerificationLedger ledger, @Value(BusinessDate.OF_JOB) LocalDate businessDate,
                                    @Value("#{stepExecution}") StepExecution stepExecution, ProgressProperties progress) {
        return NightSteps.progress(JOB_NAME, businessDate, stepExecution, progress, ledger::countNew);
    }

    @Bean
    @StepScope
    ResolveVerificationsTasklet resolveVerificationsTasklet(VerificationLedger ledger, ObjectProvider<ApsClient> client,
                                                            RunSettings common, VerificationProperties settings, EngineThreads threads) {
        return new ResolveVerificationsTasklet(ledger, client.getObject(), common, settings, threads);
    }

    @Bean
    @StepScope
    GiveBackTasklet giveBackTasklet(VerificationLedger ledger, ObjectProvider<ApsClient> client, RunSettings common,
                                    VerificationProperties settings, @Value(BusinessDate.OF_JOB) LocalDate businessDate,
                                    EngineThreads threads) {
        return new GiveBackTasklet(ledger, client.getObject(), common, settings, businessDate, threads);
    }

    @Bean
    @StepScope
    VerifyTasklet verifyTasklet(VerificationLedger ledger, CardAttempts cardAttempts, ObjectProvider<ApsClient> client,
                                GatewayAccounts accounts, RunSettings common,
                                VerificationProperties settings, @Value(BusinessDate.OF_JOB) LocalDate businessDate,
                                PlatformTransactionManager transactionManager, EngineThreads threads) {
        return new VerifyTasklet(ledger, cardAttempts, client.getObject(), accounts.names(), account -> accounts.account(account).currencies(),
                common, settings,
                businessDate, transactionManager, threads);
    }
}
