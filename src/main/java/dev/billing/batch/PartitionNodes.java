package dev.billing.batch;

import dev.billing.support.NodeName;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** Records in a partition's execution context the node running it, and every node that ran it before (a takeover). */
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
