package dev.billing.reconciliation;

import dev.billing.support.CsvReportFile;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code summary-<date>.csv}: the {@link SummaryBuilder}'s rows (counts and amounts per currency, kind and outcome,
 * and the control rows), then the matching classes when the night was matched with the gateway's report. The same
 * rows are what {@code demo} prints.
 */
@Component
public class SummaryReport {

    static final String[] HEADER = {"currency", "kind", "outcome", "count", "amount"};

    private final JdbcTemplate jdbc;
    private final TransactionsReport transactions;

    public SummaryReport(JdbcTemplate jdbc, TransactionsReport transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** The date's summary rows, computed from the ledger (what the file holds, without the matching rows). */
    public List<SummaryBuilder.Row> rows(LocalDate date) {
        SummaryBuilder totals = new SummaryBuilder();
        transactions.forEachMovement(date, totals::add);
        addHolds(totals, date);
        return totals.rows();
    }

    /**
     * Adds the orders held on the date to totals that have seen the date's movements; an order also charged that
     * date is counted by its charge already, and is left out here.
     */
    void addHolds(SummaryBuilder totals, LocalDate date) {
        jdbc.query("""
                SELECT o.amount_minor, o.currency FROM charge_holds h JOIN orders o ON o.order_id = h.order_id
                WHERE h.business_date = ? AND NOT EXISTS (
                    SELECT 1 FROM payment_attempts p WHERE p.order_id = h.order_id AND p.kind = 'CHARGE'
                    AND p.business_date = h.business_date)""",
                rs -> {
                    totals.held(new SummaryBuilder.Held(rs.getLong(1), rs.getString(2)));
                }, Date.valueOf(date));
    }

    public void write(Path file, List<SummaryBuilder.Row> rows, List<SummaryBuilder.Row> matchingRows) {
        CsvReportFile.write(file, HEADER, csv -> {
            for (SummaryBuilder.Row row : rows) {
                csv.writeNext(row.toCsv(), false);
            }
            for (SummaryBuilder.Row row : matchingRows) {
                csv.writeNext(row.toCsv(), false);
            }
        });
    }
}
