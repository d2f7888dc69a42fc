package dev.billing.scheduling;

import dev.billing.batch.JobLauncherService.AlreadyCompletedException;
import dev.billing.operations.Failover;
import dev.billing.operations.JobControl;
import dev.billing.operations.JobRunner;
import dev.billing.support.OperatorException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.quartz.QuartzJobBean;

/**
 * A schedule's firing: runs its job for the business date of the trigger's scheduled fire time (never "now").
 * When Quartz re-fires it on another node because the node that ran it died ({@code isRecovering}), the night that
 * node left running is resumed as {@link Failover} does (unless a node's failover resumed it already), so that the run
 * goes on where it stopped. A date that completed
 * before is not run again; a date after tomorrow in {@code billing.zone} is never run.
 */
@DisallowConcurrentExecution
public class BillingQuartzJob extends QuartzJobBean {

    private static final Logger log = LoggerFactory.getLogger(BillingQuartzJob.class);

    @Autowired
    private JobRunner runner;
    @Autowired
    private JobControl control;
    @Autowired
    private Failover failover;

    @Override
    protected void executeInternal(JobExecutionContext context) {
        JobDataMap data = context.getMergedJobDataMap();
        Schedule schedule = new Schedule(context.getJobDetail().getKey().getName(), data.getString("job"), data.getString("cron"),
                ZoneId.of(data.getString("zone")), Boolean.parseBoolean(data.getString("previousDay")), 0);
        LocalDate date = schedule.businessDate(context.getScheduledFireTime().toInstant());
        if (context.isRecovering()) {
            log.warn("Schedule {}: re-firing for {} because the node that ran it is gone", schedule.name(), date);
            failover.takeOverNow();
            List<JobControl.ExecutionSummary> last = control.list(schedule.job(), null, date.toString(), 1);
            if (!last.isEmpty() && org.springframework.batch.core.BatchStatus.valueOf(last.get(0).status()).isRunning()) {
                log.info("Schedule {}: {} for {} was resumed as execution {}", schedule.name(), schedule.job(), date, last.get(0).id());
                return;
            }
        }
        run(runner, schedule, date);
    }

    static void run(JobRunner runner, Schedule schedule, LocalDate date) {
        try {
            // a schedule never runs a date after tomorrow in billing.zone (a zone far ahead of it, or a clock gone wrong)
            runner.checkDate(date, false, "its business date " + date);
            JobExecution execution = runner.run(schedule.job(), date);
            log.info("Schedule {}: {} for {} ended {} (execution {})", schedule.name(), schedule.job(), date,
                    execution.getStatus(), execution.getId());
        } catch (AlreadyCompletedException e) {
            log.info("Schedule {}: {} for {} had completed already", schedule.name(), schedule.job(), date);
        } catch (OperatorException e) {
            log.warn("Schedule {}: {} for {} not run: {}", schedule.name(), schedule.job(), date, e.getMessage());
        }
    }
}
