package dev.billing.scheduling;

import dev.billing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A night for real serve processes on the test database: empty engine, simulator and Quartz tables, {@code tokens}
 * VERIFIED tokens named {@code prefix-N} with {@code orders} SHIPPED orders spread over them, and a schedule file that
 * fires charge-orders every three seconds.
 */
final class ClusterNight {

    private ClusterNight() {
    }

    /** Sets the night up; returns the directory of its schedule, for {@code --billing.schedules.dir}. */
    static Path setUp(JdbcTemplate jdbc, Path dir, String prefix, int tokens, int orders) throws Exception {
        return setUp(jdbc, dir, prefix, tokens, orders, "0/3 * * * * ?");
    }

    /**
     * A Quartz cron that fires once, {@code after} from now (UTC), during the test (and again a year later, so that a node
     * started after the firing still has a schedule that fires: serve refuses one that never will).
     */
    static String once(java.time.Duration after) {
        java.time.ZonedDateTime at = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plus(after);
        return at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " " + at.getDayOfMonth() + " " + at.getMonthValue() + " ? "
                + at.getYear() + "-" + (at.getYear() + 1);
    }

    /** {@link #setUp(JdbcTemplate, Path, String, int, int)} with the schedule's cron. */
    static Path setUp(JdbcTemplate jdbc, Path dir, String prefix, int tokens, int orders, String cron) throws Exception {
        new Fixtures(jdbc).reset(); // the simulator's records too, when an earlier test of this JVM created its schema
        jdbc.execute("DELETE FROM qrtz_cron_triggers; DELETE FROM qrtz_fired_triggers; DELETE FROM qrtz_triggers; DELETE FROM qrtz_job_details");
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT ? || '-' || i, 'C' || i, 'c@example.com', '400555******0001', '05/29', now(), 'VERIFIED', 'AGR-' || ? || '-' || i
                FROM generate_series(1, ?) AS i""", prefix, prefix, tokens);
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                SELECT upper(?) || '-' || i, 'C', ? || '-' || (i % ? + 1), 100 + i, 'AED', 'SHIPPED' FROM generate_series(1, ?) AS i""",
                prefix, prefix, tokens, orders);
        Path schedules = Files.createDirectories(dir.resolve("jobs"));
        Files.writeString(schedules.resolve("charge.yml"), """
                job: charge-orders
                cron: "%s"
                zone: UTC
                business-date: same-day
                catch-up-days: 0
                """.formatted(cron));
        return schedules;
    }
}
