package dev.billing.console;

import dev.billing.charging.ChargeLedger;
import dev.billing.ledger.AttemptQueries;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import dev.billing.operations.NightRuns;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The nights page's figures: per business date and currency what was charged, declined, failed, unknown and held
 * (count and amount in the currency's digits, never summed across currencies), each job's last status per date, the
 * chart of charged amount and decline rate, and the night running now.
 */
@Component
class Nights {

    /** One night's figures in one currency. */
    record Row(String date, String currency, String charged, String declined, String failed, String unknown, String held, String account) {
    }

    /** Counts and minor units of one night in one currency, as the chart needs them. */
    record Totals(LocalDate date, String currency, long chargedCount, long chargedMinor, long declinedCount, long failedCount, String account) {

        /** A night of the default account. */
        Totals(LocalDate date, String currency, long chargedCount, long chargedMinor, long declinedCount, long failedCount) {
            this(date, currency, chargedCount, chargedMinor, declinedCount, failedCount, dev.billing.gateway.GatewayAccounts.DEFAULT);
        }

        /** Declined share of the charges that reached an end, in per cent; 0 with none. */
        double declineRate() {
            long ended = chargedCount + declinedCount + failedCount;
            return ended == 0 ? 0 : 100.0 * declinedCount / ended;
        }
    }

    /** A step running now, with its progress. {@code left} is empty when the step cannot tell its total. */
    record Live(long executionId, String job, String businessDate, String step, long done, String rate, String left) {
    }

    private final JdbcTemplate jdbc;
    private final AttemptQueries ledger;
    private final ChargeLedger charges;
    private final NightRuns runs;

    Nights(JdbcTemplate jdbc, AttemptQueries ledger, ChargeLedger charges, NightRuns runs) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.charges = charges;
        this.runs = runs;
    }

    /** The figures table and the charts' totals, from one pass over the charges since {@code since}. */
    record Figures(List<Row> rows, List<Totals> totals) {
    }

    Figures figures(LocalDate since) {
        Map<String, String[]> rows = new TreeMap<>(java.util.Comparator.reverseOrder());
        List<Totals> totals = new ArrayList<>();
        for (AttemptQueries.ChargeNight n : ledger.chargeNights(since)) {
            CurrencyUnit unit = CurrencyUnit.require(n.currency());
            String[] row = rows.computeIfAbsent(n.businessDate() + " " + n.currency() + " " + n.account(), k -> new String[] {"", "", "", "", ""});
            row[0] = figure(n.succeeded(), n.succeededMinor(), unit);
            row[1] = figure(n.declined(), n.declinedMinor(), unit);
            row[2] = figure(n.failed(), n.failedMinor(), unit);
            row[3] = figure(n.open(), n.openMinor(), unit);
            totals.add(new Totals(n.businessDate(), n.currency(), n.succeeded(), n.succeededMinor(), n.declined(), n.failed(), n.account()));
        }
        jdbc.query("""
                SELECT h.business_date, o.currency, count(*), sum(o.amount_minor), COALESCE(t.account, 'default')
                FROM charge_holds h JOIN orders o ON o.order_id = h.order_id LEFT JOIN tokens t ON t.token_name = o.token_name
                WHERE h.business_date >= ? GROUP BY 1, 2, 5""", rs -> {
                    String[] row = rows.computeIfAbsent(rs.getDate(1) + " " + rs.getString(2) + " " + rs.getString(5),
                            k -> new String[] {"", "", "", "", ""});
                    row[4] = figure(rs.getLong(3), rs.getLong(4), CurrencyUnit.require(rs.getString(2)));
                }, Date.valueOf(since));
        List<Row> nights = new ArrayList<>();
        rows.forEach((key, v) -> nights.add(new Row(key.substring(0, 10), key.substring(11, 14), v[0], v[1], v[2], v[3], v[4],
                key.substring(15))));
        return new Figures(nights, totals);
    }

    private static String figure(long count, long minor, CurrencyUnit unit) {
        return count + " (" + Money.ofMinor(minor, unit).toPlainString() + ")";
    }

    /** The last status of each job per business date since {@code since}: date, then job name, then status. */
    Map<String, Map<String, String>> jobStatuses(LocalDate since) {
        Map<String, Map<String, String>> statuses = new TreeMap<>(java.util.Comparator.reverseOrder());
        for (NightRuns.LastRun run : runs.lastRuns(since)) {
            statuses.computeIfAbsent(run.businessDate(), k -> new TreeMap<>()).put(run.jobName(), run.status() + " #" + run.executionId());
        }
        return statuses;
    }

    /** The steps running now, with how many items each has done, its rate and, for the charge step, the time left. */
    List<Live> live() {
        List<Live> running = new ArrayList<>();
        for (NightRuns.RunningStep step : runs.running()) {
            long done = step.done();
            Duration took = step.started() == null || step.lastUpdated() == null ? Duration.ZERO
                    : Duration.between(step.started(), step.lastUpdated());
            double perSecond = took.toMillis() <= 0 ? 0 : done * 1000.0 / took.toMillis();
            String left = "";
            if (step.stepName().equals("charge") && step.businessDate() != null && perSecond > 0) {
                long remaining = charges.countLeftToTry(LocalDate.parse(step.businessDate()));
                left = remaining + " orders, about " + formatDuration(Duration.ofSeconds(Math.round(remaining / perSecond)));
            }
            running.add(new Live(step.executionId(), step.jobName(), step.businessDate(), step.stepName(), done,
                    String.format("%,.0f/s", perSecond), left));
        }
        return running;
    }

    static String formatDuration(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** One bar of the chart: where it is drawn and what it says on hover. */
    record Bar(int x, int y, int height, String title) {
    }

    /** A date written under the chart at {@code x}. */
    record Label(int x, String text) {
    }

    /** One currency's chart: a bar per night for the amount charged, a line for the decline rate (0-100% on the height). */
    record Chart(String currency, String maxAmount, List<Bar> bars, String declineLine, List<Label> labels, String account) {
    }

    static final int CHART_HEIGHT = 120;
    static final int SLOT = 20;

    /** The charts of the last {@code nights} nights up to {@code last}, one per currency, from {@link #figures}. */
    static List<Chart> charts(List<Totals> totals, LocalDate last, int nights) {
        Map<String, List<Totals>> byBook = new TreeMap<>(); // one chart per account and currency, never summed across either
        totals.forEach(t -> byBook.computeIfAbsent(t.account() + " " + t.currency(), k -> new ArrayList<>()).add(t));
        List<Chart> charts = new ArrayList<>();
        byBook.forEach((book, rows) -> {
            String currency = rows.get(0).currency();
            CurrencyUnit unit = CurrencyUnit.require(currency);
            long max = rows.stream().mapToLong(Totals::chargedMinor).max().orElse(0);
            Map<LocalDate, Totals> byDate = new LinkedHashMap<>();
            rows.forEach(r -> byDate.put(r.date(), r));
            List<Bar> bars = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            List<Label> labels = new ArrayList<>();
            for (int i = 0; i < nights; i++) {
                LocalDate date = last.minusDays(nights - 1L - i);
                Totals t = byDate.get(date);
                int x = i * SLOT;
                if (i % 7 == 0) {
                    labels.add(new Label(x, date.toString().substring(5)));
                }
                if (t == null) {
                    continue;
                }
                int h = max == 0 ? 0 : (int) Math.max(t.chargedMinor() > 0 ? 1 : 0, t.chargedMinor() * CHART_HEIGHT / max);
                bars.add(new Bar(x + 2, CHART_HEIGHT - h, h, date + ": " + Money.ofMinor(t.chargedMinor(), unit).toPlainString() + " " + currency
                        + " charged, " + String.format("%.1f", t.declineRate()) + "% declined"));
                long y = Math.round(CHART_HEIGHT - t.declineRate() * CHART_HEIGHT / 100);
                line.append(line.isEmpty() ? "" : " ").append(x + SLOT / 2).append(',').append(y);
            }
            charts.add(new Chart(currency, Money.ofMinor(max, unit).toPlainString(), bars, line.toString(), labels, rows.get(0).account()));
        });
        return charts;
    }
}
