package dev.billing.importing;

import dev.billing.support.CardNumbers;

/** A validated input line: the record it holds, or the reason it is rejected. */
public record ImportRow<T>(long lineNumber, String maskedText, T value, String rejectReason) {

    public static <T> ImportRow<T> accepted(CsvLine line, T value) {
        return new ImportRow<>(line.lineNumber(), echo(line.text()), value, null);
    }

    public static <T> ImportRow<T> rejected(CsvLine line, String reason) {
        return new ImportRow<>(line.lineNumber(), echo(line.text()), null, CardNumbers.mask(reason));
    }

    /** A line as it may be stored and echoed: card numbers masked, a NUL byte shown as {@code \0}. */
    static String echo(String text) {
        return CardNumbers.mask(text.replace("\0", "\\0"));
    }

    public ImportRow<T> reject(String reason) {
        return new ImportRow<>(lineNumber, maskedText, null, CardNumbers.mask(reason));
    }

    public boolean isRejected() {
        return rejectReason != null;
    }
}
