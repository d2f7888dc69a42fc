package dev.billing.importing;

import java.util.regex.Pattern;

/** Field rules shared by both input files. Each returns null when the value is fine, else the reason. */
final class FieldRules {

    static final Pattern TOKEN_NAME = Pattern.compile("[A-Za-z0-9.@_-]{1,100}");
    private static final Pattern CUSTOMER_ID = Pattern.compile("\\S(?:.{0,62}\\S)?");

    private FieldRules() {
    }

    static String columnCount(CsvLine line, int min, int max) {
        int n = line.fields().length;
        if (n < min || n > max) {
            String expected = min == max ? Integer.toString(min) : min + " or " + max;
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
        return null;
    }

    static String customerId(String value) {
        if (value.isEmpty()) {
            return "customer_id is empty";
        }
        if (!CUSTOMER_ID.matcher(value).matches()) {
            return "customer_id is longer than 64 characters";
        }
        return null;
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
