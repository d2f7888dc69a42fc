package dev.billing.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Which business dates may be run on a given day. */
class BusinessDatesTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 2);

    @Test
    void todayTomorrowAndThePastMayBeRunALaterDateOnlyWhenAskedFor() {
        assertThat(BusinessDates.refusal(TODAY, TODAY, false)).isNull();
        assertThat(BusinessDates.refusal(TODAY.plusDays(1), TODAY, false)).as("a day of slack for zones ahead").isNull();
        assertThat(BusinessDates.refusal(TODAY.minusYears(3), TODAY, false)).isNull();
        assertThat(BusinessDates.refusal(TODAY.plusDays(2), TODAY, false)).startsWith("is after tomorrow (today is 2026-12-02");
        assertThat(BusinessDates.refusal(LocalDate.of(2099, 12, 31), TODAY, false)).startsWith("is after tomorrow");
        assertThat(BusinessDates.refusal(LocalDate.of(2099, 12, 31), TODAY, true)).isNull();
        assertThat(BusinessDates.isFuture(TODAY.plusDays(1), TODAY)).isFalse();
        assertThat(BusinessDates.isFuture(TODAY.plusDays(2), TODAY)).isTrue();
    }

    @Test
    void nothingBefore2000OrAfter2100EvenWhenAskedFor() {
        assertThat(BusinessDates.refusal(LocalDate.of(1999, 12, 31), TODAY, true)).isEqualTo("is outside 2000-01-01 to 2100-12-31");
        assertThat(BusinessDates.refusal(LocalDate.of(2101, 1, 1), TODAY, true)).isEqualTo("is outside 2000-01-01 to 2100-12-31");
        assertThat(BusinessDates.refusal(LocalDate.of(2000, 1, 1), TODAY, false)).isNull();
    }
}
