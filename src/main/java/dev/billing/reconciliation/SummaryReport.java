package dev.billing.reconciliation;

import dev.billing.ledger.LedgerMovements;
import dev.billing.support.CsvReportFile;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code summary-<date>.csv}: the {@link SummaryBuilder}'s rows (counts and amounts per currency, kind and outcome,
 * and the control rows), then the matching classes when the night was matched with the gateway's report. The same
 * rows are what {@code demo} prints.
 */
@Component
public class SummaryReport {

    static final String[] HEADER = {"currency", "kind", "outcome", "count", "amount"};

    private final LedgerMovements movements;
    private final AccountColumn account;

    public SummaryReport(LedgerMovements movements, AccountColumn account) {
        this.movements = movements;
        this.account = account;
    }

    /** The date's summary rows, computed from the ledger (what the file holds, without the matching rows). */
    public List<SummaryBuilder.Row> rows(LocalDate date) {
        SummaryBuilder totals = new SummaryBuilder();
        movements.forEach(date, totals::add);
        addHolds(totals, date);
        return totals.rows();
    }

    /**
     * Adds the orders held on the date to totals that have seen the date's movements; an order also charged that
     * date is counted by its charge already, and is left out here.
     */
    void addHolds(SummaryBuilder totals, LocalDate date) {
        for (LedgerMovements.Held held : movements.heldNotChargedByAccount(date)) {
            totals.held(new SummaryBuilder.Held(held.amount().minorUnits(), held.amount().currency().code(), held.account()));
        }
    }

    public void write(Path file, List<SummaryBuilder.Row> rows, List<SummaryBuilder.Row> matchingRows) {
        CsvReportFile.write(file, account.header(HEADER), csv -> {
            for (SummaryBuilder.Row row : rows) {
                csv.writeNext(account.row(row.toCsv(), row.account()), false);
            }
            for (SummaryBuilder.Row row : matchingRows) {
                csv.writeNext(account.row(row.toCsv(), row.account()), false);
            }
        });
    }
}
