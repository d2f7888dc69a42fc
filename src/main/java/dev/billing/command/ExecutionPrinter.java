package dev.billing.command;

import dev.billing.batch.PartitionNodes;
import dev.billing.batch.Partitioning;
import dev.billing.operations.JobControl.ExecutionSummary;
import dev.billing.support.Throwables;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

/** How job executions are shown to an operator. */
public final class ExecutionPrinter {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private ExecutionPrinter() {
    }

    public static String time(Instant instant) {
        return instant == null ? "-" : UTC.format(instant);
    }

    public static String time(LocalDateTime utc) {
        return utc == null ? "-" : time(utc.toInstant(ZoneOffset.UTC));
    }

    public static void printList(CliContext cli, List<ExecutionSummary> rows) {
        if (rows.isEmpty()) {
            cli.out().println("no job executions yet");
            return;
        }
        String format = "%-6s %-14s %-13s %-10s %-20s %-20s %s%n";
        cli.out().printf(format, "ID", "JOB", "BUSINESS_DATE", "STATUS", "START", "END", "READ/WRITTEN/SKIPPED");
        for (ExecutionSummary row : rows) {
            cli.out().printf(format, row.id(), row.jobName(), row.businessDate() == null ? "-" : row.businessDate(), row.status(),
                    time(row.start()), time(row.end()), row.read() + "/" + row.written() + "/" + row.skipped());
        }
    }

    public static void printDetails(CliContext cli, JobExecution execution) {
        cli.out().printf("execution %d: %s (instance %d) %s%n", execution.getId(), execution.getJobInstance().getJobName(),
                execution.getJobInstance().getInstanceId(), execution.getStatus());
        String params = execution.getJobParameters().parameters().stream()
                .map(p -> p.name() + "=" + p.value())
                .sorted()
                .collect(Collectors.joining(", "));
        cli.out().println("  parameters: " + (params.isEmpty() ? "-" : params));
        cli.out().println("  started: " + time(execution.getStartTime()) + "  ended: " + time(execution.getEndTime()));
        cli.out().println("  exit: " + execution.getExitStatus().getExitCode() + firstLine(execution.getExitStatus().getExitDescription()));
        for (StepExecution step : execution.getStepExecutions()) {
            if (Partitioning.isPartition(step)) {
                continue; // a partition: listed under its step
            }
            cli.out().printf("  step %-22s %-10s read %,d  written %,d  filtered %,d  skipped %,d  commits %,d  rollbacks %,d%s%n",
                    step.getStepName(), step.getStatus(), step.getReadCount(), step.getWriteCount(), step.getFilterCount(),
                    step.getSkipCount(), step.getCommitCount(), step.getRollbackCount(),
                    firstLine(step.getExitStatus().getExitDescription()));
            for (StepExecution partition : Partitioning.partitionsOf(execution, step.getStepName())) {
                cli.out().printf("    partition %-18s %-10s on %s  read %,d  written %,d  filtered %,d%s%n",
                        partition.getStepName().substring(partition.getStepName().indexOf(':') + 1), partition.getStatus(),
                        PartitionNodes.node(partition) == null ? "(not taken yet)" : PartitionNodes.nodes(partition), partition.getReadCount(), partition.getWriteCount(),
                        partition.getFilterCount(), firstLine(partition.getExitStatus().getExitDescription()));
            }
        }
        String next = nextStep(execution);
        if (next != null) {
            cli.out().println("  next: " + next);
        }
    }

    /** What an operator should do about an execution, or null when nothing. */
    public static String nextStep(JobExecution execution) {
        long id = execution.getId();
        return switch (execution.getStatus()) {
            case FAILED -> "fix the cause above, then 'jobs restart " + id + "' resumes from the last committed chunk"
                    + " ('jobs abandon " + id + "' gives it up for good)";
            case STOPPED -> "'jobs restart " + id + "' resumes it from the last committed chunk";
            case STARTED, STARTING, STOPPING -> "running; 'jobs stop " + id + "' stops it after the current chunk;"
                    + " if its process is gone, 'jobs recover' marks it FAILED so it can be restarted";
            default -> null;
        };
    }

    /** What the summary line adds for a night whose calls went to the built-in simulator. */
    public static final String SIMULATED = " SIMULATED: its calls went to the built-in simulator; no card was charged";

    /**
     * Prints how a run ended and returns the exit code of the contract: 0 completed, 1 otherwise. {@code simulated}: its
     * business date has movements sent to the built-in simulator, and the line says so.
     */
    public static int printOutcome(CliContext cli, JobExecution execution, boolean simulated) {
        String name = execution.getJobInstance().getJobName();
        Duration took = execution.getStartTime() == null || execution.getEndTime() == null ? Duration.ZERO
                : Duration.between(execution.getStartTime(), execution.getEndTime());
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            cli.out().printf("%s COMPLETED (execution %d) in %.1fs%s%n", name, execution.getId(), took.toMillis() / 1000.0,
                    simulated ? ";" + SIMULATED : "");
            return ExitCodes.OK;
        }
        String reason = execution.getAllFailureExceptions().stream()
                .map(Throwables::rootMessage)
                .findFirst()
                .orElse(firstLine(execution.getExitStatus().getExitDescription()).replaceFirst("^ - ", ""));
        cli.err().printf("%s %s (execution %d)%s%s%n", name, execution.getStatus(), execution.getId(),
                reason.isBlank() ? "" : ": " + reason, simulated ? ";" + SIMULATED : "");
        String next = nextStep(execution);
        if (next != null) {
            cli.err().println(next);
        }
        return ExitCodes.FAILED;
    }

    private static String firstLine(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        return " - " + text.lines().findFirst().orElse("");
    }
}
