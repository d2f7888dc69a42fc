package dev.billing.importing;

import dev.billing.support.CardNumbers;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Pattern;

/** Field rules shared by both input files. Each returns null when the value is fine, else the reason. */
final class FieldRules {

    static final Pattern AGREEMENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    static final Pattern TOKEN_NAME = Pattern.compile("[A-Za-z0-9.@_-]{1,100}");
    private static final Pattern CUSTOMER_ID = Pattern.compile("\\S(?:.{0,62}\\S)?");

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
        if (!TOKEN_NAME.matcher(value).matches()) {
            return "token_name '" + value + "' must be 1 to 100 letters, digits, '.', '@', '-' or '_'";
        }
        return formula("token_name", value);
    }

    static String customerId(String value) {
        if (value.isEmpty()) {
            return "customer_id is empty";
        }
        if (!CUSTOMER_ID.matcher(value).matches()) {
            return "customer_id is longer than 64 characters";
        }
        return formula("customer_id", value);
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
