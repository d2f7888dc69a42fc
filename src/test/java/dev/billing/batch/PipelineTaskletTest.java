package dev.billing.batch;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.support.EngineThreads;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.transaction.support.TransactionTemplate;

/** A step whose work could not all be read fails; it does not complete as if there had been no more. */
class PipelineTaskletTest {

    @Test
    void aFeederThatFailsWhileTheChunkWaitsFailsTheStep() throws Exception {
        Tasklet tasklet = new Tasklet();
        StepExecution step = new StepExecution(1L, "charge-partition:partition0",
                new JobExecution(1L, new JobInstance(1L, "charge-orders"), new JobParameters()));
        tasklet.beforeStep(step);

        assertThatThrownBy(() -> {
            // the feeder may fail before or while the chunk waits: either way the step must not end FINISHED
            RepeatStatus status;
            do {
                status = tasklet.execute(new StepContribution(step), null);
            } while (status == RepeatStatus.CONTINUABLE);
        }).hasMessageContaining("the due orders could not be read");
        tasklet.afterStep(step);
    }

    private static final class Tasklet extends PipelineTasklet<String, String> {

        Tasklet() {
            super(10, new org.springframework.jdbc.support.JdbcTransactionManager());
        }

        @Override
        protected CallPipeline<String, String> createPipeline(long jobExecutionId) {
            return new CallPipeline<>("test", results -> {
                try {
                    Thread.sleep(300); // fails while the step's first chunk waits for results
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("the due orders could not be read");
            }, s -> s, s -> s, s -> s, s -> false, 2, 10, new EngineThreads());
        }

        @Override
        protected long settleOpenFirst(long jobExecutionId, TransactionTemplate transaction) {
            return 0;
        }

        @Override
        protected void record(List<String> results, long jobExecutionId) {
        }

        @Override
        protected void count(List<String> results, StepContribution contribution) {
        }

        @Override
        protected RuntimeException stoppedBy(String result) {
            return new IllegalStateException(result);
        }

        @Override
        protected String describe(StepExecution stepExecution) {
            return "";
        }
    }
}
