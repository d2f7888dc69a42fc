package dev.billing.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.operations.JobRunner;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** A schedule never runs a business date after tomorrow in billing.zone (a schedule zone far ahead, a clock gone wrong). */
@EngineTest
class ScheduleFutureDateFunctionalTests {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;

    private long executionsOf(LocalDate date) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM batch_job_execution_params WHERE parameter_name = 'businessDate' AND parameter_value = ?""",
                Long.class, date.toString());
    }

    @Test
    void aFiringForADateAfterTomorrowRunsNothing() {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        LocalDate far = runner.today().plusDays(3);
        LocalDate tomorrow = runner.today().plusDays(1);
        fixtures.token("good", "VERIFIED");
        fixtures.order("LATER", "good", 900, "JPY", "DEFERRED", far);
        Schedule schedule = new Schedule("ahead", "charge-orders", "0 0 1 * * ?", ZoneId.of("Pacific/Kiritimati"), false, 0);

        BillingQuartzJob.run(runner, schedule, far);
        BillingQuartzJob.run(runner, schedule, tomorrow);

        assertThat(executionsOf(far)).isZero();
        assertThat(fixtures.orderStatus("LATER")).isEqualTo("DEFERRED");
        assertThat(executionsOf(tomorrow)).as("a day of slack for a zone ahead").isOne();
    }
}
