package dev.billing.importing;

import dev.billing.support.CardNumbers;

/**
 * A validated input line: the record it holds, or the reason it is rejected. The line's text is kept as read, for a
 * rejected row's echo only: {@link #maskedText()} is the one way out of it (card numbers masked), and
 * {@link #toString()} leaves it out.
 */
public record ImportRow<T>(long lineNumber, String text, T value, String rejectReason) {

    public static <T> ImportRow<T> accepted(CsvLine line, T value) {
        return new ImportRow<>(line.lineNumber(), line.text(), value, null);
    }

    public static <T> ImportRow<T> rejected(CsvLine line, String reason) {
        return new ImportRow<>(line.lineNumber(), line.text(), null, CardNumbers.mask(reason));
    }

    /** The line as it may be stored and echoed: card numbers masked, a NUL byte shown as {@code \0}. */
    public String maskedText() {
        return CardNumbers.mask(text.replace("\0", "\\0"));
    }

    public ImportRow<T> reject(String reason) {
        return new ImportRow<>(lineNumber, text, null, CardNumbers.mask(reason));
    }

    public boolean isRejected() {
        return rejectReason != null;
    }

    @Override
    public String toString() {
        return "ImportRow[line " + lineNumber + (isRejected() ? ", rejected: " + rejectReason : ", " + value) + "]";
    }
}
