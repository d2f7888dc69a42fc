package dev.billing.reconciliation;

import dev.billing.support.EngineProperties;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Writes a business date's reports from committed ledger rows into {@code <reports>/<date>/}, one writer per file:
 * {@link TransactionsReport}, {@link SummaryReport}, {@link ExceptionsReport} and, given the gateway's transaction
 * report, {@link MatchingReport}. Nothing in them depends on when they are written, so writing a date again gives
 * the same bytes when nothing changed.
 */
@Component
public class ReconciliationReports {

    private final TransactionsReport transactions;
    private final SummaryReport summary;
    private final ExceptionsReport exceptions;
    private final MatchingReport matchingReport;
    private final SettlementMatching matching;
    private final Path reportsDir;

    public ReconciliationReports(TransactionsReport transactions, SummaryReport summary, ExceptionsReport exceptions,
                                 MatchingReport matchingReport, SettlementMatching matching,
                                 EngineProperties engine) {
        this.transactions = transactions;
        this.summary = summary;
        this.exceptions = exceptions;
        this.matchingReport = matchingReport;
        this.matching = matching;
        this.reportsDir = engine.reports().dir();
    }

    public Path directory(LocalDate date) {
        return reportsDir.resolve(date.toString());
    }

    /** Writes the three files; returns their paths. */
    public List<Path> write(LocalDate date) {
        return write(date, null);
    }

    /**
     * Writes the three files and, given the gateway's transaction report, {@code matching-<date>.csv} with a count and
     * amount per class in the summary; returns their paths. The report is read (and refused when bad) before any
     * file is written.
     */
    public List<Path> write(LocalDate date, Path settlement) {
        SettlementMatching.Run run = settlement == null ? null : matching.start(settlement);
        try {
            Path dir = directory(date);
            Path transactionsFile = dir.resolve("transactions-" + date + ".csv");
            Path summaryFile = dir.resolve("summary-" + date + ".csv");
            Path exceptionsFile = dir.resolve("exceptions-" + date + ".csv");
            Path matchingFile = dir.resolve("matching-" + date + ".csv");
            SummaryBuilder totals = new SummaryBuilder();
            transactions.write(transactionsFile, date, (movement, givenBack, firstChargeOfOrder) -> {
                totals.add(movement, givenBack, firstChargeOfOrder);
                if (run != null) {
                    run.add(movement);
                }
            });
            summary.addHolds(totals, date);
            List<SummaryBuilder.Row> matchingRows = run == null ? List.of() : matchingReport.write(matchingFile, date, run);
            summary.write(summaryFile, totals.rows(), matchingRows);
            exceptions.write(exceptionsFile, date);
            return run == null ? List.of(transactionsFile, summaryFile, exceptionsFile)
                    : List.of(transactionsFile, summaryFile, exceptionsFile, matchingFile);
        } finally {
            if (run != null) {
                run.end();
            }
        }
    }
}
