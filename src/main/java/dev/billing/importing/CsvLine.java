package dev.billing.importing;

/**
 * One physical line of an input file: its 1-based line number, its text, and its fields, or why it could not
 * be split into fields.
 */
public record CsvLine(long lineNumber, String text, String[] fields, String parseError) {
}
