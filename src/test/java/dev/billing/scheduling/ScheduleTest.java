package dev.billing.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.support.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Business dates from scheduled fire times, across daylight-saving changes, and the schedule files. */
class ScheduleTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void theBusinessDateIsTheDayBeforeTheFireTimeInTheZone() {
        Schedule s = new Schedule("n", "nightly", "0 30 4 * * ?", ZoneId.of("Asia/Dubai"), true, 3);
        // 04:30 in Dubai is 00:30 UTC: the UTC date and the Dubai date agree here, a late-evening UTC one would not
        assertThat(s.businessDate(Instant.parse("2026-11-27T00:30:00Z"))).isEqualTo(LocalDate.of(2026, 11, 26));
        Schedule sameDay = new Schedule("n", "nightly", "0 30 23 * * ?", ZoneId.of("Asia/Dubai"), false, 3);
        assertThat(sameDay.businessDate(Instant.parse("2026-11-27T19:30:00Z"))).isEqualTo(LocalDate.of(2026, 11, 27));
        assertThat(sameDay.businessDate(Instant.parse("2026-11-27T20:30:00Z"))).as("after midnight in Dubai").isEqualTo(LocalDate.of(2026, 11, 28));
    }

    @Test
    void acrossSpringForwardAndFallBackEveryNightFiresOnceWithItsOwnDate() {
        Schedule s = new Schedule("n", "nightly", "0 30 4 * * ?", BERLIN, true, 3);
        // spring forward on 2026-03-29 (02:00 -> 03:00), fall back on 2026-10-25 (03:00 -> 02:00)
        for (LocalDate day : List.of(LocalDate.of(2026, 3, 29), LocalDate.of(2026, 10, 25))) {
            Instant from = day.minusDays(2).atStartOfDay(BERLIN).toInstant();
            Instant to = day.plusDays(2).atStartOfDay(BERLIN).toInstant();
            List<Instant> fires = s.fireTimes(from, to);
            assertThat(fires).hasSize(4);
            assertThat(fires).allSatisfy(f -> assertThat(ZonedDateTime.ofInstant(f, BERLIN).toLocalTime().toString()).isEqualTo("04:30"));
            assertThat(fires.stream().map(s::businessDate).toList())
                    .containsExactly(day.minusDays(3), day.minusDays(2), day.minusDays(1), day);
        }
    }

    @Test
    void catchUpCoversTheLastDaysOldestFirst() {
        Schedule s = new Schedule("n", "nightly", "0 30 4 * * ?", BERLIN, true, 3);
        Instant now = ZonedDateTime.of(2026, 11, 27, 10, 0, 0, 0, BERLIN).toInstant();
        assertThat(s.catchUpDates(now)).containsExactly(LocalDate.of(2026, 11, 24), LocalDate.of(2026, 11, 25), LocalDate.of(2026, 11, 26));
        assertThat(new Schedule("n", "nightly", "0 30 4 * * ?", BERLIN, true, 0).catchUpDates(now)).isEmpty();
    }

    @Test
    void theShippedScheduleParses() {
        Schedule nightly = ScheduleFiles.read(Path.of("jobs")).get(0);
        assertThat(nightly.name()).isEqualTo("nightly");
        assertThat(nightly.job()).isEqualTo("nightly");
        assertThat(nightly.zone()).isEqualTo(ZoneId.of("Asia/Dubai"));
        assertThat(nightly.previousDay()).isTrue();
        int hour = Integer.parseInt(nightly.cron().split(" ", -1)[2]);
        assertThat(hour).as("outside 00:00-03:59").isGreaterThanOrEqualTo(4);
    }

    @Test
    void aBrokenFileIsOneLineNamingTheFileAndTheProblem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.yml"), "job: nightly\ncron: \"every night\"\nzone: Asia/Dubai\n");
        assertThatThrownBy(() -> ScheduleFiles.read(dir)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("schedule " + dir.resolve("bad.yml")).hasMessageContaining("cron 'every night'");
        Files.writeString(dir.resolve("bad.yml"), "job: nightly\ncron: \"0 0 5 * * ?\"\nzone: Mars/Olympus\n");
        assertThatThrownBy(() -> ScheduleFiles.read(dir)).hasMessageContaining("zone");
        Files.writeString(dir.resolve("bad.yml"), "job: [unclosed\n");
        assertThatThrownBy(() -> ScheduleFiles.read(dir)).hasMessageContaining("not valid YAML");
    }
}
