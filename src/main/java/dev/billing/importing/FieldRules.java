package dev.billing.importing;

import dev.billing.support.CardNumbers;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Pattern;

/** Field rules shared by both input files. Each returns null when the value is fine, else the reason. */
final class FieldRules {

    static final Pattern AGREEMENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private FieldRules() {
    }

    /** Dates outside these are refused: PostgreSQL could not store some of them, and none is a real charge date. */
    static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);
    static final LocalDate LATEST = LocalDate.of(2100, 12, 31);
    /** APS takes amounts of at most 10 digits in minor units. */
    static final long MAX_AMOUNT_MINOR = 9_999_999_999L;

    /**
     * The checks every line gets before its own fields are read: no NUL byte, and no full card number in any field
     * (the {@code card_mask} column has its own message).
     */
    static String lineChecks(CsvLine line, List<String> columns) {
        if (line.text().indexOf('\0') >= 0) {
            return "the line holds a NUL byte; remove it from the file and import again";
        }
        String[] f = line.fields();
        for (int i = 0; i < f.length; i++) {
            String column = i < columns.size() ? columns.get(i) : "column " + (i + 1);
            if (CardNumbers.contains(f[i]) && !column.equals("card_mask")) {
                return column + " holds what looks like a full card number (" + CardNumbers.mask(f[i].trim())
                        + "); card numbers are never imported";
            }
        }
        return null;
    }

    /**
     * An identifier may not begin as a spreadsheet formula does ({@code =}, {@code +}, {@code -}, {@code @}, tab or
     * carriage return): finance opens the reports in spreadsheets (CSV formula injection, OWASP).
     */
    static String formula(String column, String value) {
        if (!value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0) {
            return column + " '" + value + "' may not begin with '" + value.charAt(0)
                    + "' (a spreadsheet would read it as a formula)";
        }
        return null;
    }

    /** A date within {@link #EARLIEST} and {@link #LATEST}; null when it is. */
    static String dateRange(String column, LocalDate date) {
        if (date.isBefore(EARLIEST) || date.isAfter(LATEST)) {
            return column + " " + date + " is outside " + EARLIEST + " to " + LATEST;
        }
        return null;
    }

    static String columnCount(CsvLine line, int min, int max) {
        int n = line.fields().length;
        if (n < min || n > max) {
            String expected = min == max ? Integer.toString(min) : max == min + 1 ? min + " or " + max : min + " to " + max;
            return "wrong column count: expected " + expected + " fields, found " + n;
        }
        return null;
    }

    static String tokenName(String value) {
        if (value.isEmpty()) {
            return "token_name is empty";
        }
        if (!isTokenName(value)) {
            return "token_name '" + value + "' must be 1 to 100 letters, digits, '.', '@', '-' or '_'";
        }
        return formula("token_name", value);
    }

    static String customerId(String value) {
        if (value.isEmpty()) {
            return "customer_id is empty";
        }
        if (!isCustomerId(value)) {
            return "customer_id is longer than 64 characters";
        }
        return formula("customer_id", value);
    }

    /** 1 to {@code max} of letters, digits, {@code .}, {@code -}, {@code _}, and {@code @} when {@code at} says so. */
    static boolean isIdentifier(String value, int max, boolean at) {
        int n = value.length();
        if (n < 1 || n > max) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_' || (at && c == '@');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z0-9.@_-]{1,100}}, checked without a regular expression (it runs for every row). */
    static boolean isTokenName(String value) {
        return isIdentifier(value, 100, true);
    }

    /**
     * {@code \S(?:.{0,62}\S)?}: 1 to 64 characters, the first and last not white space, none between a line break
     * (as {@code .} means); checked without a regular expression.
     */
    static boolean isCustomerId(String value) {
        int n = value.length();
        if (n < 1 || n > 64 || isSpace(value.charAt(0)) || isSpace(value.charAt(n - 1))) {
            return false;
        }
        for (int i = 1; i < n - 1; i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** Returns the first non-null reason. */
    static String first(String... reasons) {
        for (String reason : reasons) {
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }
}
