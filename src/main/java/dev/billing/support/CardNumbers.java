package dev.billing.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds full card numbers (PANs) in text so that they are never stored, logged or echoed.
 *
 * <p>A PAN here is 13 to 19 digits that pass the Luhn check and begin as the card networks' numbers do (2 to 6:
 * Mastercard, Amex, JCB and Diners, Visa, Mastercard and Maestro, Discover and UnionPay), written with or without
 * common separators between the digits: spaces, tabs, dashes, dots, slashes or underscores, singly or repeated
 * ({@code 4111.1111.1111.1111}, {@code 4111 1111  1111 1111}). Every 13 to 19 digit window of a run of digits
 * is tried, so a PAN inside a longer run of digits is found too. Numbers beginning 0, 1, 7, 8 or 9 are not card
 * numbers; this keeps most numeric identifiers that happen to pass the Luhn check (one in ten does) out of it.
 */
public final class CardNumbers {

    private static final int MIN = 13;
    private static final int MAX = 19;
    /** At most this many separator characters between two digits of one number. */
    private static final int MAX_SEPARATOR_RUN = 3;

    private CardNumbers() {
    }

    /** True when the value, ignoring spaces and dashes, is 12 to 19 digits: a card number, not a mask. */
    public static boolean looksLikeFullNumber(String value) {
        String digits = value.replaceAll("[ -]", "");
        return digits.length() >= 12 && digits.length() <= 19 && digits.chars().allMatch(Character::isDigit);
    }

    /** True when the text holds a card number anywhere. */
    public static boolean contains(String text) {
        return text != null && !find(text).isEmpty();
    }

    /** The text with every card number replaced by its first six and last four digits ({@code 411111******1111}). */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        List<int[]> spans = find(text);
        if (spans.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (int[] span : spans) {
            out.append(text, at, span[0]).append(maskDigits(text.substring(span[0], span[1])));
            at = span[1];
        }
        return out.append(text.substring(at)).toString();
    }

    /** First six and last four digits with {@code *} between; shorter values are fully starred. */
    public static String maskDigits(String digits) {
        String d = digits.replaceAll("[^0-9]", "");
        if (d.length() < 12) {
            return "*".repeat(d.length());
        }
        return d.substring(0, 6) + "*".repeat(d.length() - 10) + d.substring(d.length() - 4);
    }

    /** The [start, end) character spans of the card numbers in the text, in order, not overlapping. */
    private static List<int[]> find(String text) {
        if (fewerDigitsThanACard(text)) {
            return List.of(); // most text: checked without building anything
        }
        List<int[]> spans = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (!isDigit(text.charAt(i))) {
                i++;
                continue;
            }
            // one run: digits, with short runs of separators between them
            List<Integer> positions = new ArrayList<>();
            int j = i;
            while (j < n) {
                if (isDigit(text.charAt(j))) {
                    positions.add(j);
                    j++;
                    continue;
                }
                int k = j;
                while (k < n && isSeparator(text.charAt(k)) && k - j < MAX_SEPARATOR_RUN) {
                    k++;
                }
                if (k > j && k < n && isDigit(text.charAt(k))) {
                    j = k;
                } else {
                    break;
                }
            }
            spansInRun(text, positions, spans);
            i = j;
        }
        return spans;
    }

    private static boolean fewerDigitsThanACard(String text) {
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            if (isDigit(text.charAt(i)) && ++digits >= MIN) {
                return false;
            }
        }
        return true;
    }

    private static void spansInRun(String text, List<Integer> positions, List<int[]> spans) {
        int count = positions.size();
        int start = 0;
        while (start + MIN <= count) {
            int found = 0;
            char first = text.charAt(positions.get(start));
            if (first >= '2' && first <= '6') {
                for (int length = Math.min(MAX, count - start); length >= MIN; length--) {
                    if (luhnValid(text, positions, start, length)) {
                        found = length;
                        break;
                    }
                }
            }
            if (found > 0) {
                spans.add(new int[] {positions.get(start), positions.get(start + found - 1) + 1});
                start += found;
            } else {
                start++;
            }
        }
    }

    private static boolean luhnValid(String text, List<Integer> positions, int start, int length) {
        int sum = 0;
        boolean doubled = false;
        for (int i = start + length - 1; i >= start; i--) {
            int d = text.charAt(positions.get(i)) - '0';
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

    /** True when a string of digits passes the Luhn check. */
    public static boolean luhnValid(String digits) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < digits.length(); i++) {
            positions.add(i);
        }
        return luhnValid(digits, positions, 0, digits.length());
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '/' || c == '_';
    }
}
