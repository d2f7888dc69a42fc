package dev.billing.charging;

import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayReply;
import dev.billing.ledger.CallPipeline;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The charge step: each call of {@link #execute} is one chunk, committed in the step's transaction: it takes up to
 * {@code chunk-size} completed results from the {@link ChargePipeline} and records them in the ledger. When the
 * step ends early (stopped, failed), the calls still in flight are waited for and recorded too.
 */
public class ChargeTasklet implements Tasklet, StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(ChargeTasklet.class);

    private final ChargeLedger ledger;
    private final ApsClient client;
    private final ChargeSettings settings;
    private final LocalDate businessDate;
    private final TransactionTemplate transaction;
    private CallPipeline<DueOrder, ChargeResult> pipeline;
    private long jobExecutionId;

    public ChargeTasklet(ChargeLedger ledger, ApsClient client, ChargeSettings settings, LocalDate businessDate,
                         PlatformTransactionManager transactionManager) {
        this.ledger = ledger;
        this.client = client;
        this.settings = settings;
        this.businessDate = businessDate;
        this.transaction = new TransactionTemplate(transactionManager);
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        jobExecutionId = stepExecution.getJobExecutionId();
        ledger.refreshStatistics();
        pipeline = ChargePipeline.create(ledger, client, businessDate, jobExecutionId, settings);
        pipeline.start();
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        if (pipeline.feederFailure() != null) {
            throw pipeline.feederFailure();
        }
        List<ChargeResult> batch = pipeline.take(settings.chunkSize);
        if (batch.isEmpty()) {
            ChargeResult stopped = pipeline.stoppedBy();
            if (stopped != null) {
                GatewayReply configError = stopped.reply();
                throw new GatewayConfigurationException("the gateway refused a request as misconfigured (" + configError.responseCode()
                        + " " + configError.responseMessage() + " on " + configError.merchantReference()
                        + "); no order was marked failed. Fix the billing.gateway settings, then restart this execution");
            }
            return RepeatStatus.FINISHED;
        }
        ledger.record(batch, businessDate, settings.schedule, jobExecutionId);
        ChargeStats stats = ChargeStats.of(batch);
        stats.addTo(contribution.getStepExecution().getExecutionContext());
        long sent = stats.charged() + stats.declined() + stats.failed() + stats.unknown();
        for (long i = 0; i < sent + stats.held(); i++) {
            contribution.incrementReadCount();
        }
        contribution.incrementWriteCount(sent);
        contribution.incrementFilterCount(stats.held());
        return RepeatStatus.CONTINUABLE;
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        if (pipeline == null) {
            return stepExecution.getExitStatus();
        }
        try {
            List<ChargeResult> rest = pipeline.finish(Duration.ofSeconds(60));
            if (!rest.isEmpty()) {
                transaction.executeWithoutResult(s -> ledger.record(rest, businessDate, settings.schedule, jobExecutionId));
                log.info("Recorded {} charges that were in flight when the step ended", rest.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Could not record the charges in flight when the step ended ({}); the next run resolves them", e.toString());
        } finally {
            pipeline.close();
        }
        return stepExecution.getExitStatus().addExitDescription(ChargeStats.from(stepExecution.getExecutionContext()).toString());
    }
}
