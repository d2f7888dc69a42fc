package dev.billing.batch;

import dev.billing.support.NodeName;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Records in a partition's execution context the node running it, and every node that ran it before (a takeover);
 * keeps a partition handed over running.
 */
public final class PartitionNodes implements StepExecutionListener {

    static final String NODE = "partition.node";
    static final String NODES = "partition.nodes";

    @Override
    public void beforeStep(StepExecution stepExecution) {
        ExecutionContext context = stepExecution.getExecutionContext();
        String node = NodeName.current();
        String before = context.containsKey(NODES) ? context.getString(NODES) : null;
        context.putString(NODE, node);
        context.putString(NODES, before == null ? node : before + ", " + node);
    }

    /**
     * A partition this process hands over (SIGTERM with other nodes live, {@link PartitionWorker#close}) ended its
     * current chunk STOPPED: it is written STARTED instead, so that its night's manager goes on waiting for it while
     * another node resumes it. (Spring Batch calls this before it writes the step's end.)
     */
    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        if (stepExecution.getStatus() == BatchStatus.STOPPED && PartitionWorker.handingOver(stepExecution.getId())) {
            stepExecution.setStatus(BatchStatus.STARTED);
            return stepExecution.getExitStatus().addExitDescription("handed over by " + NodeName.current() + "; another node resumes it");
        }
        return stepExecution.getExitStatus();
    }

    /** The node that ran (or runs) a partition last; null for a step that is not a partition. */
    public static String node(StepExecution stepExecution) {
        ExecutionContext context = stepExecution.getExecutionContext();
        return context.containsKey(NODE) ? context.getString(NODE) : null;
    }

    /** Every node that ran a partition, in order. */
    public static String nodes(StepExecution stepExecution) {
        ExecutionContext context = stepExecution.getExecutionContext();
        return context.containsKey(NODES) ? context.getString(NODES) : "";
    }
}
