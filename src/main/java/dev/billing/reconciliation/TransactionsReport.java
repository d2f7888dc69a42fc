package dev.billing.reconciliation;

import dev.billing.ledger.LedgerMovements;
import dev.billing.ledger.Movement;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import dev.billing.support.CsvReportFile;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.stereotype.Component;

/**
 * {@code transactions-<date>.csv}: one row per money movement of the business date, in its final known state, in
 * ledger order. The movements are streamed from the database (flat memory, however many) and handed on as they are
 * written, for the summary's totals and the settlement matching.
 */
@Component
public class TransactionsReport {

    static final String[] HEADER = {"business_date", "merchant_reference", "kind", "order_id", "customer_id",
        "token_name", "amount", "amount_minor", "currency", "outcome", "response_code", "response_message", "fort_id", "attempt",
        "processed_at", "gateway"};
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final LedgerMovements movements;
    private final AccountColumn account;

    public TransactionsReport(LedgerMovements movements, AccountColumn account) {
        this.movements = movements;
        this.account = account;
    }

    /**
     * Writes the file, handing each movement to {@code sink} as it goes. With several accounts configured, each row ends
     * with its {@code account}.
     */
    public void write(Path file, LocalDate date, LedgerMovements.Sink sink) {
        CsvReportFile.write(file, account.header(HEADER), csv -> movements.forEach(date, (m, givenBack, first) -> {
            sink.accept(m, givenBack, first);
            csv.writeNext(account.row(row(m), m.account()), false);
        }));
    }

    static String[] row(Movement m) {
        return new String[] {m.businessDate().toString(), m.merchantReference(), m.kind(), nz(m.orderId()), nz(m.customerId()),
            m.tokenName(), amount(m.amountMinor(), m.currency()), Long.toString(m.amountMinor()), m.currency(), m.outcome(),
            nz(m.responseCode()), nz(m.responseMessage()), nz(m.fortId()), Integer.toString(m.attempt()),
            m.processedAt() == null ? "" : UTC.format(m.processedAt()), m.gateway()};
    }

    static String amount(long minor, String currency) {
        return Money.ofMinor(minor, CurrencyUnit.require(currency)).toPlainString();
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }
}
