package dev.billing.batch;

import java.util.function.BiConsumer;
import java.util.function.Function;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.partition.StepExecutionAggregator;
import org.springframework.batch.core.partition.support.DefaultStepExecutionAggregator;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * A manager step's results: Spring Batch's sums of its partitions' counts and status, and the step's own figures
 * (kept in each partition's execution context) summed into the manager's context, with the summary and exit
 * description a step that is not partitioned would have. A partition that failed keeps its description in the
 * manager's, after the totals.
 */
public final class PartitionTotals {

    private PartitionTotals() {
    }

    /**
     * The aggregator of a manager step whose figures {@code add} sums and {@code describe} puts in words.
     *
     * @param add      adds one partition's figures (second argument) into the totals (first)
     * @param describe the step's one-line description of its figures
     */
    public static StepExecutionAggregator of(BiConsumer<ExecutionContext, ExecutionContext> add, Function<ExecutionContext, String> describe) {
        DefaultStepExecutionAggregator sums = new DefaultStepExecutionAggregator();
        return (result, partitions) -> {
            sums.aggregate(result, partitions);
            ExecutionContext totals = new ExecutionContext();
            partitions.forEach(p -> add.accept(totals, p.getExecutionContext()));
            totals.entrySet().forEach(e -> result.getExecutionContext().put(e.getKey(), e.getValue()));
            String line = describe.apply(result.getExecutionContext());
            StepSummary.put(result.getExecutionContext(), line);
            boolean allCompleted = partitions.stream().allMatch(p -> p.getStatus() == BatchStatus.COMPLETED);
            ExitStatus exit = result.getExitStatus();
            result.setExitStatus(allCompleted ? new ExitStatus(exit.getExitCode(), line)
                    : new ExitStatus(exit.getExitCode(), line).addExitDescription(exit.getExitDescription()));
            partitions.stream().filter(p -> p.getStatus() == BatchStatus.FAILED).findFirst().ifPresent(failed -> {
                throw new PartitionFailedException(why(failed));
            });
        };
    }

    /** Why a partition failed, in the words of its own failure (here, or as its node wrote it in the repository). */
    static String why(org.springframework.batch.core.step.StepExecution failed) {
        if (!failed.getFailureExceptions().isEmpty()) {
            Throwable cause = failed.getFailureExceptions().get(0);
            return cause.getMessage() == null ? cause.toString() : cause.getMessage();
        }
        String description = failed.getExitStatus().getExitDescription();
        String first = description == null || description.isBlank() ? "failed" : description.lines().findFirst().orElse("failed");
        // Spring Batch writes a failed step's stack trace: its first line is "exception.Class: message"
        int colon = first.indexOf(": ");
        return colon > 0 && first.substring(0, colon).matches("[\\w.$]+") ? first.substring(colon + 2) : first;
    }

    /** A partition failed: the manager step fails with the partition's reason, so the job says why. */
    public static final class PartitionFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PartitionFailedException(String message) {
            super(message);
        }
    }
}
