package dev.billing.operations;

import dev.billing.batch.BusinessDate;
import dev.billing.batch.JobLauncherService;
import dev.billing.charging.ChargeOrdersJobConfiguration;
import dev.billing.gateway.GatewayAccounts;
import dev.billing.reconciliation.ReconcileJobConfiguration;
import dev.billing.support.EngineProperties;
import dev.billing.support.InvalidInputException;
import dev.billing.verification.VerifyTokensJobConfiguration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.stereotype.Service;

/**
 * Runs a billing job for a business date: the one identifying parameter of every billing job. A job that calls the
 * gateway runs only when a gateway was chosen for every account ({@link GatewayAccounts#requireChosen}); the entry points (the command
 * line, the console, the schedules) check the date first ({@link #checkDate}).
 */
@Service
public class JobRunner {

    /** The jobs {@code run} knows, in the order the contract names them. */
    public static final List<String> RUNNABLE = List.of(VerifyTokensJobConfiguration.JOB_NAME, ChargeOrdersJobConfiguration.JOB_NAME,
            ReconcileJobConfiguration.JOB_NAME, NightlyJobConfiguration.JOB_NAME);

    private final Map<String, Job> jobs = new TreeMap<>();
    private final JobLauncherService launcher;
    private final ZoneId zone;
    private final GatewayAccounts gateway;

    public JobRunner(List<Job> jobs, JobLauncherService launcher, EngineProperties engine, GatewayAccounts gateway) {
        jobs.forEach(job -> this.jobs.put(job.getName(), job));
        this.launcher = launcher;
        this.zone = engine.zone();
        this.gateway = gateway;
    }

    /**
     * Refuses a business date that may not be run today ({@link BusinessDates}); {@code subject} names it in the message
     * ("--date 2099-12-31").
     */
    public void checkDate(LocalDate date, boolean allowFuture, String subject) {
        String refusal = BusinessDates.refusal(date, today(), allowFuture);
        if (refusal == null) {
            return;
        }
        throw BusinessDates.isFuture(date, today()) && !date.isAfter(BusinessDates.LATEST)
                ? new BusinessDates.FutureDateException(subject + " " + refusal) : new InvalidInputException(subject + " " + refusal);
    }

    /** Refuses to run a job that calls the gateway when no gateway was chosen (reconcile reads only the ledger). */
    public void requireGatewayFor(String jobName) {
        if (!jobName.equals(ReconcileJobConfiguration.JOB_NAME)) {
            gateway.requireChosen();
        }
    }

    /** Today in {@code billing.zone}. */
    public LocalDate today() {
        return LocalDate.now(zone);
    }

    public JobExecution run(String jobName, LocalDate businessDate) {
        return run(jobName, businessDate, null);
    }

    /** With {@code settlement} (reconcile only): the gateway's transaction report to match the ledger with. */
    public JobExecution run(String jobName, LocalDate businessDate, java.nio.file.Path settlement) {
        Job job = jobs.get(jobName);
        if (job == null || !RUNNABLE.contains(jobName)) {
            List<String> available = RUNNABLE.stream().filter(jobs::containsKey).toList();
            throw new InvalidInputException("there is no job '" + jobName + "' to run" + (RUNNABLE.contains(jobName) ? " in this version" : "")
                    + "; available: " + String.join(", ", available));
        }
        requireGatewayFor(jobName);
        JobParametersBuilder parameters = new JobParametersBuilder().addLocalDate(BusinessDate.PARAMETER, businessDate);
        if (jobName.equals(ReconcileJobConfiguration.JOB_NAME)) {
            // reports are rewritten from the ledger as often as asked: each run is its own instance
            parameters.addString("requestedAt", java.time.Instant.now().toString());
            if (settlement != null) {
                if (!java.nio.file.Files.isReadable(settlement)) {
                    throw new InvalidInputException("cannot read settlement file " + settlement + ": no such file");
                }
                parameters.addString("settlement.file", settlement.toAbsolutePath().normalize().toString(), false);
            }
        } else if (settlement != null) {
            throw new InvalidInputException("--settlement goes with reconcile only");
        }
        return launcher.start(job, parameters.toJobParameters());
    }
}
