package dev.billing.cli;

import dev.billing.audit.AuditLog;
import dev.billing.batch.ExecutionOwnership;
import dev.billing.batch.JobLauncherService.AlreadyCompletedException;
import dev.billing.batch.StepSummary;
import dev.billing.command.CliContext;
import dev.billing.command.ExecutionPrinter;
import dev.billing.command.ExitCodes;
import dev.billing.events.EventDispatcher;
import dev.billing.ledger.SimulatedNights;
import dev.billing.notices.NoticeSender;
import dev.billing.operations.BusinessDates;
import dev.billing.operations.GracefulStop;
import dev.billing.operations.JobControl;
import dev.billing.operations.JobRunner;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs one job now for a business date (default: today in billing.zone).",
            "JOB: verify-tokens, charge-orders, reconcile, or nightly (the three in that order, with the dead tokens deactivated before reconcile).",
            "A date after tomorrow is refused unless --allow-future-date is given (audited).",
            "Exit codes: 0 completed (also when it had completed before); 1 failed or stopped; 2 usage error."})
class RunCommand implements Callable<Integer> {

    private final CliContext cli;

    @Parameters(paramLabel = "JOB")
    String job;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "The business date.")
    LocalDate date;

    @Option(names = "--settlement", paramLabel = "FILE",
            description = "reconcile: the gateway's transaction report (CSV, APS reporting column names) to match the ledger with.")
    java.nio.file.Path settlement;

    @Option(names = "--allow-future-date",
            description = "Runs a business date after tomorrow (its deferred orders are charged early); written to the audit trail.")
    boolean allowFutureDate;

    RunCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        JobRunner runner = cli.engine().bean(JobRunner.class);
        LocalDate businessDate = date != null ? date : runner.today();
        runner.checkDate(businessDate, allowFutureDate, "--date " + businessDate);
        runner.requireGatewayFor(job);
        if (allowFutureDate) {
            auditFutureDate(cli, businessDate, job + " for " + businessDate);
        }
        GracefulStop.install(cli.engine().bean(JobControl.class), cli.engine().bean(ExecutionOwnership.class), cli.err());
        JobExecution execution;
        try {
            execution = runner.run(job, businessDate, settlement);
        } catch (AlreadyCompletedException e) {
            long id = e.completed() == null ? -1 : e.completed().getId();
            cli.out().printf("%s for %s already completed (execution %d); nothing to do%n", job, businessDate, id);
            return ExitCodes.OK;
        }
        int code = report(cli, execution);
        deliverEvents(cli);
        return code;
    }

    /**
     * Delivers what the outbox holds for the merchant's webhooks, and sends the customers' notices it gave (at the end of a
     * command that wrote events), for up to 30 seconds each, and says what came of it; what is not delivered waits for the
     * next run or for serve.
     */
    static void deliverEvents(CliContext cli) {
        EventDispatcher events = cli.engine().bean(EventDispatcher.class);
        if (events.hasEndpoints()) {
            deliverWebhooks(cli, events);
        } else {
            events.fanOut(); // the notices are taken from the events as they are fanned out
        }
        NoticeSender notices = cli.engine().bean(NoticeSender.class);
        NoticeSender.Pass pass = notices.sendDue(java.time.Duration.ofSeconds(30));
        if (pass.total() > 0) {
            cli.out().printf("notices: %,d sent to customers%s%s%s%s%n", pass.sent(),
                    notices.mailDir() == null ? " by SMTP" : " (written to " + notices.mailDir().toAbsolutePath().normalize() + ")",
                    pass.skipped() == 0 ? "" : String.format(cli.engine().bean(dev.billing.enrolment.EnrolmentProperties.class).enabled()
                            ? ", %,d skipped (opted out, or one was sent within billing.notices.min-interval)"
                            : ", %,d not sent: billing.enrolment.secret is not set, and a notice's links are signed with it", pass.skipped()),
                    pass.refused() == 0 ? "" : String.format(", %,d refused by the mail server (in the exceptions report)", pass.refused()),
                    pass.retried() == 0 ? "" : String.format(", %,d to be tried again later", pass.retried()));
        }
    }

    private static void deliverWebhooks(CliContext cli, EventDispatcher events) {
        try {
            EventDispatcher.Pass pass = events.deliverDue(java.time.Duration.ofSeconds(30));
            cli.out().printf("events: %,d delivered to the webhook endpoints%s%s%n", pass.delivered(),
                    pass.retried() == 0 ? "" : String.format(", %,d to be tried again later", pass.retried()),
                    pass.gaveUp() == 0 ? "" : String.format(", %,d given up (see the console)", pass.gaveUp()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes to the audit trail that {@code --allow-future-date} ran {@code what}, when the date is after tomorrow. */
    static void auditFutureDate(CliContext cli, LocalDate date, String what) {
        if (BusinessDates.isFuture(date, cli.engine().bean(JobRunner.class).today())) {
            cli.engine().bean(AuditLog.class).append("(command line)", "FUTURE_DATE_RUN", what,
                    "run with --allow-future-date by " + System.getProperty("user.name"));
        }
    }

    /** Prints what a billing job's steps say they did, then its outcome; returns the exit code. */
    static int report(CliContext cli, JobExecution execution) {
        for (StepExecution step : execution.getStepExecutions()) {
            List<String> summary = StepSummary.of(step);
            if (summary.isEmpty()) {
                continue;
            }
            cli.out().printf("  %-28s %s%n", step.getStepName() + ":", summary.get(0));
            summary.subList(1, summary.size()).forEach(line -> cli.out().println("  " + line));
        }
        LocalDate date = JobControl.businessDate(execution);
        return ExecutionPrinter.printOutcome(cli, execution, date != null && cli.engine().bean(SimulatedNights.class).on(date));
    }
}
