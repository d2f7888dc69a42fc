package dev.billing.support;

import java.util.regex.Pattern;

/**
 * Makes CSV cells safe to open in a spreadsheet (OWASP, "CSV Injection"): a value that begins with {@code =},
 * {@code +}, {@code -}, {@code @}, a tab or a carriage return gets a leading {@code '}, so that it is shown as text
 * and never run as a formula. Plain numbers ({@code -1.50}, a negative net total) are left as they are, so that
 * amounts stay numbers. Deterministic, so a report written twice is byte-identical.
 */
public final class SpreadsheetSafe {

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    private SpreadsheetSafe() {
    }

    public static String cell(String value) {
        if (value == null || value.isEmpty() || "=+-@\t\r".indexOf(value.charAt(0)) < 0 || NUMBER.matcher(value).matches()) {
            return value;
        }
        return "'" + value;
    }

    public static String[] row(String[] values) {
        String[] safe = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            safe[i] = cell(values[i]);
        }
        return safe;
    }
}
