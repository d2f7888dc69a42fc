package dev.billing.cli;

import dev.billing.batch.ExecutionOwnership;
import dev.billing.command.CliContext;
import dev.billing.command.ExecutionPrinter;
import dev.billing.command.ExitCodes;
import dev.billing.operations.GracefulStop;
import dev.billing.operations.JobControl.Recovery;
import dev.billing.operations.JobControl;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.batch.core.job.JobExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "Looks at and controls job executions.",
        subcommands = {JobsCommand.ListJobs.class, JobsCommand.Show.class, JobsCommand.Restart.class, JobsCommand.Stop.class,
            JobsCommand.Abandon.class, JobsCommand.Recover.class})
class JobsCommand implements Callable<Integer> {

    private final CliContext cli;

    JobsCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        cli.err().println("error: say which: jobs list | show ID | restart ID | stop ID | abandon ID | recover (see jobs --help)");
        return ExitCodes.USAGE;
    }

    private static JobControl control(CliContext cli) {
        return cli.engine().bean(JobControl.class);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Recent job executions, newest first.")
    static class ListJobs implements Callable<Integer> {
        private final CliContext cli;

        @Option(names = "--limit", defaultValue = "20", description = "How many (default ${DEFAULT-VALUE}).")
        int limit;

        ListJobs(CliContext cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            ExecutionPrinter.printList(cli, control(cli).list(Math.max(1, limit)));
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One execution with its steps, counts and exit message.")
    static class Show implements Callable<Integer> {
        private final CliContext cli;

        @Parameters(paramLabel = "ID")
        long id;

        Show(CliContext cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            ExecutionPrinter.printDetails(cli, control(cli).get(id));
            return ExitCodes.OK;
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Resumes a FAILED or STOPPED execution from its last committed chunk. Exit 0 completed, 1 failed.")
    static class Restart implements Callable<Integer> {
        private final CliContext cli;

        @Parameters(paramLabel = "ID")
        long id;

        @Option(names = "--allow-future-date", description = "Restarts an execution of a business date after tomorrow; audited.")
        boolean allowFutureDate;

        Restart(CliContext cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            JobExecution stopped = control(cli).restartable(id, allowFutureDate);
            java.time.LocalDate date = JobControl.businessDate(stopped);
            if (allowFutureDate && date != null) {
                RunCommand.auditFutureDate(cli, date, "restart of execution " + id + " (" + stopped.getJobInstance().getJobName() + " for "
                        + date + ")");
            }
            GracefulStop.install(control(cli), cli.engine().bean(ExecutionOwnership.class), cli.err());
            JobExecution execution = control(cli).restart(id, allowFutureDate);
            cli.out().println("restarted execution " + id + " as execution " + execution.getId());
            return RunCommand.report(cli, execution);
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Asks a running execution to stop after its current chunk.")
    static class Stop implements Callable<Integer> {
        private final CliContext cli;

        @Parameters(paramLabel = "ID")
        long id;

        Stop(CliContext cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            if (control(cli).stop(id)) {
                cli.out().println("asked execution " + id + " to stop after its current chunk; 'jobs show " + id + "' tells when it has");
            } else {
                cli.out().println("execution " + id + " is not running; nothing to stop");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "abandon", mixinStandardHelpOptions = true,
            description = "Marks a stopped or failed execution ABANDONED, so that it is never resumed.")
    static class Abandon implements Callable<Integer> {
        private final CliContext cli;

        @Parameters(paramLabel = "ID")
        long id;

        Abandon(CliContext cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            JobExecution execution = control(cli).abandon(id);
            cli.out().println("execution " + id + " is " + execution.getStatus() + "; it will never be resumed");
            return ExitCodes.OK;
        }
    }

    @Command(name = "recover", mixinStandardHelpOptions = true,
            description = "Marks FAILED the executions left running by a process that is gone, so they can be restarted.")
    static class Recover implements Callable<Integer> {
        private final CliContext cli;

        Recover(CliContext cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            List<Recovery> found = control(cli).recover();
            if (found.isEmpty()) {
                cli.out().println("no execution is left running; nothing to recover");
            }
            for (Recovery recovery : found) {
                JobExecution execution = recovery.execution();
                if (recovery.recovered()) {
                    cli.out().printf("recovered execution %d (%s): %s, now %s; 'jobs restart %d' resumes it%n", execution.getId(),
                            execution.getJobInstance().getJobName(), recovery.reason(), execution.getStatus(), execution.getId());
                } else {
                    cli.out().printf("left execution %d (%s) alone: %s%n", execution.getId(),
                            execution.getJobInstance().getJobName(), recovery.reason());
                }
            }
            return ExitCodes.OK;
        }
    }
}
