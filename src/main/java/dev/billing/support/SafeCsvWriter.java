package dev.billing.support;

import com.opencsv.CSVWriter;
import java.io.Writer;

/**
 * The CSV writer of every file the engine writes for people: RFC 4180 quoting where needed, {@code \n} line ends,
 * and every cell passed through {@link SpreadsheetSafe} first.
 */
public final class SafeCsvWriter extends CSVWriter {

    public SafeCsvWriter(Writer writer) {
        super(writer, ',', '"', '"', "\n");
    }

    @Override
    public void writeNext(String[] nextLine, boolean applyQuotesToAll) {
        super.writeNext(nextLine == null ? null : SpreadsheetSafe.row(nextLine), applyQuotesToAll);
    }
}
