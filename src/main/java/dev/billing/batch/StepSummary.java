package dev.billing.batch;

import java.util.List;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * What a step did, in the words an operator reads, kept in its execution context (committed with its chunks): its
 * first line follows the step's name on the command line, the others are printed below it. The command line prints
 * what the steps wrote; it does not guess from their names.
 */
public final class StepSummary {

    private static final String KEY = "summary";

    private StepSummary() {
    }

    public static void put(ExecutionContext context, List<String> lines) {
        context.putString(KEY, String.join("\n", lines));
    }

    public static void put(ExecutionContext context, String line) {
        context.putString(KEY, line);
    }

    /** The step's summary lines; empty when it wrote none (it had nothing to do). */
    public static List<String> of(StepExecution step) {
        ExecutionContext context = step.getExecutionContext();
        return context.containsKey(KEY) ? context.getString(KEY).lines().toList() : List.of();
    }
}
