package dev.billing.batch;

import org.slf4j.MDC;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Puts the job execution, the step and the partition a thread works for in the logging context (MDC keys
 * {@code execution}, {@code step}, {@code partition}), so that every log line says what it belongs to: the JSON log
 * ({@code billing.log.format=json}) writes them as fields. Registered first on every step the engine builds; the
 * engine's thread pools carry the context to the threads that do a step's work ({@code EngineThreads}). Stateless.
 */
public final class StepLoggingContext implements StepExecutionListener {

    public static final StepLoggingContext INSTANCE = new StepLoggingContext();

    private StepLoggingContext() {
    }

    @Override
    public void beforeStep(StepExecution step) {
        MDC.put("execution", String.valueOf(step.getJobExecutionId()));
        String name = step.getStepName();
        int partition = name.indexOf(":partition");
        MDC.put("step", partition < 0 ? name : name.substring(0, partition));
        if (partition < 0) {
            MDC.remove("partition");
        } else {
            MDC.put("partition", name.substring(partition + 1));
        }
    }

    @Override
    public ExitStatus afterStep(StepExecution step) {
        MDC.remove("step");
        MDC.remove("partition");
        MDC.remove("execution");
        return null;
    }
}
