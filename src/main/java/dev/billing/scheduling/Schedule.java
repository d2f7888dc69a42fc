package dev.billing.scheduling;

import java.text.ParseException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * One schedule of {@code jobs/}: which job, when (a Quartz cron in a time zone), and which business date a firing
 * is for. Pure: the business date comes from the trigger's scheduled fire time, never from "now".
 */
public record Schedule(String name, String job, String cron, ZoneId zone, boolean previousDay, int catchUpDays) {

    public Schedule {
        try {
            CronExpression.validateExpression(cron);
        } catch (ParseException e) {
            throw new IllegalArgumentException("cron '" + cron + "' is not a Quartz cron expression: " + e.getMessage());
        }
        if (catchUpDays < 0) {
            throw new IllegalArgumentException("catch-up-days must be 0 or more");
        }
    }

    /** The business date of a firing scheduled at {@code fireTime}: its date in the zone, or the day before. */
    public LocalDate businessDate(Instant fireTime) {
        LocalDate local = LocalDate.ofInstant(fireTime, zone);
        return previousDay ? local.minusDays(1) : local;
    }

    public CronExpression cronExpression() {
        try {
            CronExpression expression = new CronExpression(cron);
            expression.setTimeZone(TimeZone.getTimeZone(zone));
            return expression;
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The scheduled fire times after {@code from} up to and including {@code to}, oldest first. */
    public List<Instant> fireTimes(Instant from, Instant to) {
        CronExpression expression = cronExpression();
        List<Instant> times = new ArrayList<>();
        Date next = expression.getNextValidTimeAfter(Date.from(from));
        while (next != null && !next.toInstant().isAfter(to) && times.size() < 10_000) {
            times.add(next.toInstant());
            next = expression.getNextValidTimeAfter(next);
        }
        return times;
    }

    /**
     * The business dates of the firings in the last {@code catchUpDays} days before {@code now}, oldest first: what
     * start-up makes sure has run.
     */
    public List<LocalDate> catchUpDates(Instant now) {
        if (catchUpDays == 0) {
            return List.of();
        }
        return fireTimes(now.minus(java.time.Duration.ofDays(catchUpDays)), now).stream()
                .map(this::businessDate).distinct().toList();
    }
}
