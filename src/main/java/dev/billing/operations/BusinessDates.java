package dev.billing.operations;

import dev.billing.support.InvalidInputException;
import java.time.LocalDate;

/**
 * Which business dates may be run: from 2000-01-01 to 2100-12-31, and none after tomorrow in {@code billing.zone}
 * (one day of slack for schedules in zones ahead of it): a date's deferred orders are due on it, not before, so a date
 * run early charges them early. Only {@code --allow-future-date} (audited) runs a later one. Pure.
 */
public final class BusinessDates {

    public static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);
    public static final LocalDate LATEST = LocalDate.of(2100, 12, 31);

    private BusinessDates() {
    }

    /** A date after tomorrow, refused: a usage error the command line says how to overcome. */
    public static final class FutureDateException extends InvalidInputException {
        private static final long serialVersionUID = 1L;

        FutureDateException(String message) {
            super(message);
        }
    }

    /** Why {@code date} may not be run when it is {@code today}, said after its subject ("--date D"); null when it may. */
    public static String refusal(LocalDate date, LocalDate today, boolean allowFuture) {
        if (date.isBefore(EARLIEST) || date.isAfter(LATEST)) {
            return "is outside " + EARLIEST + " to " + LATEST;
        }
        if (!allowFuture && isFuture(date, today)) {
            return "is after tomorrow (today is " + today + " in billing.zone): a date's deferred orders fall due on it, not before";
        }
        return null;
    }

    /** After tomorrow: what only {@code --allow-future-date} runs. */
    public static boolean isFuture(LocalDate date, LocalDate today) {
        return date.isAfter(today.plusDays(1));
    }
}
