package dev.billing.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.impl.matchers.GroupMatcher;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The schedules in Quartz's JDBC store, and the catch-up of missed nights. */
@EngineTest
class SchedulerServiceFunctionalTests {

    @Autowired
    SchedulerService service;
    @Autowired
    Scheduler scheduler;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aChangedFileChangesItsTriggerAndARemovedFileRemovesIt() throws Exception {
        Schedule nightly = new Schedule("nightly", "nightly", "0 30 4 * * ?", ZoneId.of("Asia/Dubai"), true, 3);
        Schedule extra = new Schedule("extra", "reconcile", "0 0 6 * * ?", ZoneId.of("UTC"), true, 0);
        service.apply(List.of(nightly, extra));
        assertThat(scheduler.getJobKeys(GroupMatcher.jobGroupEquals(SchedulerService.GROUP)))
                .containsExactlyInAnyOrder(JobKey.jobKey("nightly", "billing"), JobKey.jobKey("extra", "billing"));

        Schedule moved = new Schedule("nightly", "nightly", "0 45 5 * * ?", ZoneId.of("Europe/Berlin"), true, 3);
        service.apply(List.of(moved));

        assertThat(scheduler.getJobKeys(GroupMatcher.jobGroupEquals(SchedulerService.GROUP))).containsExactly(JobKey.jobKey("nightly", "billing"));
        CronTrigger trigger = (CronTrigger) service.trigger(moved);
        assertThat(trigger.getCronExpression()).isEqualTo("0 45 5 * * ?");
        assertThat(trigger.getTimeZone().getID()).isEqualTo("Europe/Berlin");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'billing'", Long.class)).isEqualTo(1);
        assertThat(scheduler.getJobDetail(JobKey.jobKey("nightly", "billing")).requestsRecovery()).isTrue();
    }

    /** Two nodes starting together store the same schedule at the same moment: neither may fail (it did, once). */
    @Test
    void nodesStoringTheSameScheduleAtOnceBothSucceed() throws Exception {
        Schedule nightly = new Schedule("together", "nightly", "0 30 4 * * ?", ZoneId.of("UTC"), true, 0);
        java.util.concurrent.ExecutorService nodes = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 30; round++) {
                scheduler.deleteJob(JobKey.jobKey("together", SchedulerService.GROUP));
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                List<java.util.concurrent.Future<?>> starts = new java.util.ArrayList<>();
                for (int node = 0; node < 2; node++) {
                    starts.add(nodes.submit(() -> {
                        together.await();
                        service.apply(List.of(nightly));
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> start : starts) {
                    start.get(); // throws if that node's apply failed
                }
                assertThat(jdbc.queryForObject("SELECT count(*) FROM qrtz_triggers WHERE trigger_name = 'together'", Long.class))
                        .isEqualTo(1);
            }
        } finally {
            nodes.shutdownNow();
            scheduler.deleteJob(JobKey.jobKey("together", SchedulerService.GROUP));
        }
    }

    @Test
    void missedNightsAreCaughtUpOnceOldestFirst() {
        Fixtures.resetEngineTables(jdbc);
        Schedule reports = new Schedule("reports", "charge-orders", "0 30 4 * * ?", ZoneId.of("UTC"), true, 3);
        Instant now = Instant.parse("2026-11-27T10:00:00Z");

        service.catchUp(List.of(reports), now);
        service.catchUp(List.of(reports), now);

        assertThat(jdbc.queryForList("""
                SELECT p.parameter_value FROM batch_job_execution_params p JOIN batch_job_execution e USING (job_execution_id)
                WHERE p.parameter_name = 'businessDate' AND e.status = 'COMPLETED' ORDER BY e.job_execution_id""", String.class))
                .containsExactly("2026-11-24", "2026-11-25", "2026-11-26");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM batch_job_execution", Long.class)).as("not run twice").isEqualTo(3);
    }
}
