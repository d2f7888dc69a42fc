package dev.billing.importing;

/**
 * One physical line of an input file: its 1-based line number, its text, and its fields, or why it could not
 * be split into fields.
 */
@SuppressWarnings("ArrayRecordComponent") // never compared: the parser's fields, one line at a time
public record CsvLine(long lineNumber, String text, String[] fields, String parseError) {
}
