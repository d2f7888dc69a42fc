package dev.billing.scheduling;

import dev.billing.database.ClusterLock;
import dev.billing.operations.JobRunner;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Puts the schedules of {@code jobs/} into Quartz's clustered JDBC store (replacing what is there, removing what
 * is no longer in a file), starts the scheduler, and catches up missed nights.
 */
@Service
public class SchedulerService {

    static final String GROUP = "billing";
    private static final Logger log = LoggerFactory.getLogger(SchedulerService.class);

    private final Scheduler scheduler;
    private final JobRunner runner;
    private final DataSource dataSource;
    private final TransactionTemplate transaction;

    public SchedulerService(Scheduler scheduler, JobRunner runner, DataSource dataSource, PlatformTransactionManager transactionManager) {
        this.scheduler = scheduler;
        this.runner = runner;
        this.dataSource = dataSource;
        this.transaction = new TransactionTemplate(transactionManager);
    }

    /**
     * Replaces the stored schedules with these: a changed file changes its trigger, a removed file removes it.
     *
     * <p>In one Spring transaction: Spring's Quartz job store ({@code LocalDataSourceJobStore}, a JobStoreCMT) takes
     * its cluster-wide row lock in the caller's transaction, so without one the lock ended with each statement and two
     * nodes starting together both inserted the same schedule (a duplicate key killed one of them).
     */
    public void apply(List<Schedule> schedules) throws SchedulerException {
        try {
            transaction.executeWithoutResult(status -> {
                try {
                    store(schedules);
                } catch (SchedulerException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof SchedulerException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void store(List<Schedule> schedules) throws SchedulerException {
        Set<JobKey> wanted = new HashSet<>();
        for (Schedule s : schedules) {
            JobDetail job = JobBuilder.newJob(BillingQuartzJob.class)
                    .withIdentity(s.name(), GROUP)
                    .withDescription(s.job() + " at " + s.cron() + " " + s.zone())
                    .usingJobData("job", s.job())
                    .usingJobData("cron", s.cron())
                    .usingJobData("zone", s.zone().getId())
                    .usingJobData("previousDay", Boolean.toString(s.previousDay()))
                    .storeDurably()
                    .requestRecovery()
                    .build();
            Trigger trigger = TriggerBuilder.newTrigger()
                    .withIdentity(s.name(), GROUP)
                    .forJob(job)
                    // a night missed while no node ran is caught up at start-up, once per business date
                    .withSchedule(CronScheduleBuilder.cronSchedule(s.cronExpression()).withMisfireHandlingInstructionDoNothing())
                    .build();
            scheduler.scheduleJob(job, Set.of(trigger), true);
            wanted.add(job.getKey());
        }
        for (JobKey stored : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            if (!wanted.contains(stored)) {
                scheduler.deleteJob(stored);
                log.info("Removed schedule {}: its file is gone", stored.getName());
            }
        }
    }

    public void start() throws SchedulerException {
        scheduler.start();
    }

    /** Fires no more triggers on this node; jobs already running go on (other nodes keep firing). */
    public void standby() throws SchedulerException {
        scheduler.standby();
    }

    /** Stops firing; waits for the jobs that run to end (they were asked to stop after their chunk). */
    public void shutdown() throws SchedulerException {
        scheduler.shutdown(true);
    }

    public Trigger trigger(Schedule schedule) throws SchedulerException {
        return scheduler.getTrigger(org.quartz.TriggerKey.triggerKey(schedule.name(), GROUP));
    }

    /**
     * Runs, oldest first, each business date of the last {@code catch-up-days} whose run did not complete. One node
     * does it at a time (a cluster-wide lock); a date that completed is not run again.
     */
    public void catchUp(List<Schedule> schedules, Instant now) {
        try {
            boolean ran = ClusterLock.tryWhileHeld(dataSource, "billing-catch-up", () -> {
                for (Schedule s : schedules) {
                    for (LocalDate date : s.catchUpDates(now)) {
                        BillingQuartzJob.run(runner, s, date);
                    }
                }
                return Boolean.TRUE;
            }).isPresent();
            if (!ran) {
                log.info("Another node is catching up missed nights");
            }
        } catch (SQLException e) {
            log.warn("Could not catch up missed nights: {}", e.getMessage());
        }
    }
}
