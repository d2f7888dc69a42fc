package dev.billing.importing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds full card numbers (PANs) in text so that they are never stored, logged or echoed.
 * A PAN is 13 to 19 digits, possibly grouped with spaces or dashes, that passes the Luhn check.
 */
public final class CardNumbers {

    private static final Pattern DIGIT_RUN = Pattern.compile("\\d(?:[ -]?\\d){12,18}");

    private CardNumbers() {
    }

    /** True when the value, ignoring spaces and dashes, is 12 to 19 digits: a card number, not a mask. */
    public static boolean looksLikeFullNumber(String value) {
        String digits = value.replaceAll("[ -]", "");
        return digits.length() >= 12 && digits.length() <= 19 && digits.chars().allMatch(Character::isDigit);
    }

    /** The text with every Luhn-valid 13-19 digit run replaced by its first six and last four digits. */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = DIGIT_RUN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String digits = m.group().replaceAll("[ -]", "");
            m.appendReplacement(out, Matcher.quoteReplacement(luhnValid(digits) ? maskDigits(digits) : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** First six and last four digits with {@code *} between; shorter values are fully starred. */
    public static String maskDigits(String digits) {
        String d = digits.replaceAll("[^0-9]", "");
        if (d.length() < 12) {
            return "*".repeat(d.length());
        }
        return d.substring(0, 6) + "*".repeat(d.length() - 10) + d.substring(d.length() - 4);
    }

    static boolean luhnValid(String digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }
}
