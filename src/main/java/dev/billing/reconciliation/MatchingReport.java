package dev.billing.reconciliation;

import static dev.billing.reconciliation.TransactionsReport.amount;
import static dev.billing.reconciliation.TransactionsReport.nz;

import dev.billing.gateway.GatewayAccounts;
import dev.billing.support.CsvReportFile;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * {@code matching-<date>.csv}: every movement of the date and every row of the gateway's report, classed, streamed
 * from a {@link SettlementMatching.Run}; returns a count and amount per currency and class for the summary.
 */
@Component
public class MatchingReport {

    static final String[] HEADER = {"class", "merchant_reference", "operation", "fort_id", "ledger_amount",
        "gateway_amount", "currency", "ledger_outcome", "gateway_status", "detail"};

    private final AccountColumn account;

    public MatchingReport(AccountColumn account) {
        this.account = account;
    }

    public List<SummaryBuilder.Row> write(Path file, LocalDate date, SettlementMatching.Run run) {
        Map<String, long[]> perClass = new TreeMap<>();
        CsvReportFile.write(file, account.header(HEADER), csv -> run.forEachMatch(date, m -> {
            String[] row = {m.matchClass().name(), m.merchantReference(), m.operation(), nz(m.fortId()),
                m.ledgerAmount() == null ? "" : amount(m.ledgerAmount(), m.currency()),
                m.gatewayAmount() == null ? "" : amount(m.gatewayAmount(), m.currency()), m.currency(), m.ledgerOutcome(),
                m.gatewayStatus(), m.detail()};
            csv.writeNext(account.row(row, m.account()), false);
            String book = account.shown() ? m.account() : GatewayAccounts.DEFAULT;
            long[] v = perClass.computeIfAbsent(book + "\u0000" + m.currency() + "\u0000" + m.matchClass().name(), k -> new long[2]);
            v[0] = Math.addExact(v[0], 1);
            v[1] = Math.addExact(v[1], m.ledgerAmount() != null ? m.ledgerAmount() : m.gatewayAmount() == null ? 0 : m.gatewayAmount());
        }));
        List<SummaryBuilder.Row> rows = new ArrayList<>();
        perClass.forEach((key, v) -> {
            String[] parts = key.split("\u0000", -1);
            rows.add(new SummaryBuilder.Row(parts[1], "MATCHING", parts[2], v[0], v[1], parts[0]));
        });
        return rows;
    }
}
