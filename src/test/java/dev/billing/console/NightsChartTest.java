package dev.billing.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class NightsChartTest {

    private static final LocalDate LAST = LocalDate.of(2026, 11, 27);

    @Test
    void oneChartPerCurrencyNeverSummedAcrossThemWithBarsScaledToTheNightOfMostCharged() {
        List<Nights.Totals> totals = List.of(
                new Nights.Totals(LAST, "AED", 10, 100_000, 5, 5),
                new Nights.Totals(LAST.minusDays(1), "AED", 4, 50_000, 0, 0),
                new Nights.Totals(LAST, "KWD", 1, 1_234, 1, 0));

        List<Nights.Chart> charts = Nights.charts(totals, LAST, 30);

        assertThat(charts).extracting(Nights.Chart::currency).containsExactly("AED", "KWD");
        Nights.Chart aed = charts.get(0);
        assertThat(aed.maxAmount()).isEqualTo("1000.00");
        assertThat(aed.bars()).hasSize(2);
        Nights.Bar last = aed.bars().get(1);
        assertThat(last.height()).isEqualTo(Nights.CHART_HEIGHT);
        assertThat(last.x()).isEqualTo(29 * Nights.SLOT + 2);
        assertThat(last.title()).isEqualTo("2026-11-27: 1000.00 AED charged, 25.0% declined");
        assertThat(aed.bars().get(0).height()).isEqualTo(Nights.CHART_HEIGHT / 2);
        assertThat(aed.declineLine()).isEqualTo("570,120 590,90");
        assertThat(charts.get(1).maxAmount()).isEqualTo("1.234");
        assertThat(charts.get(1).bars().get(0).title()).contains("1.234 KWD").contains("50.0% declined");
    }

    @Test
    void nightsWithoutChargesHaveNoBarAndTheDatesAreLabelledWeekly() {
        Nights.Chart chart = Nights.charts(List.of(new Nights.Totals(LAST.minusDays(40), "JPY", 1, 700, 0, 0),
                new Nights.Totals(LAST, "JPY", 1, 700, 0, 0)), LAST, 30).get(0);
        assertThat(chart.bars()).hasSize(1);
        assertThat(chart.labels()).extracting(Nights.Label::text).containsExactly("10-29", "11-05", "11-12", "11-19", "11-26");
        assertThat(Nights.formatDuration(java.time.Duration.ofSeconds(3725))).isEqualTo("1h02m");
        assertThat(Nights.formatDuration(java.time.Duration.ofSeconds(75))).isEqualTo("1m15s");
    }
}
